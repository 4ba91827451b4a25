// A store that refuses one delivery's outcome for good (here a trigger; in life a constraint or
// a value of the wrong type): that delivery is logged once and set aside, the channel's other
// deliveries go on, /metrics counts it and /readyz reports it. On both stores.
import Database from 'better-sqlite3';
import pg from 'pg';
import { until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { eachStore, type TestStore } from './helpers/stores.ts';
import { slackStack } from './helpers/slackStack.ts';

const SECRET = 'refusal-secret';
const q = { query: { 'secret-key': SECRET } };

/** Makes the store refuse every update of delivery `id`, as a constraint would. */
async function refuseUpdatesOf(store: TestStore, id: number): Promise<void> {
  if (store.kind === 'sqlite') {
    const db = new Database(store.url.slice('sqlite:'.length));
    try {
      db.exec(
        `CREATE TRIGGER refuse_one BEFORE UPDATE ON deliveries WHEN OLD.id = ${id} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
      );
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: store.url });
  await c.connect();
  try {
    await c.query(`CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END $$`);
    await c.query(
      `CREATE TRIGGER refuse_one BEFORE UPDATE ON deliveries FOR EACH ROW WHEN (OLD.id = ${id}) EXECUTE FUNCTION refuse_one()`,
    );
  } finally {
    await c.end();
  }
}

eachStore(
  "an outcome the store refuses for good: logged once with the delivery's id, counted, reported by /readyz; the channel's other deliveries go on",
  async (t, kind) => {
    const { svc, slack, store, stop } = await slackStack(
      kind,
      'channels:\n  ops: { type: slack, channel: C0REF }\nroutes:\n  - channel: ops\n',
      SECRET,
    );
    let land!: () => void;
    slack.script.push({ until: new Promise<void>((r) => (land = r)) });
    try {
      const users = Array.from({ length: 10 }, (_, i) => `refused${i}x`);
      for (const u of users) t.is((await svc.send(createdBody({ username: u }), q)).status, 200);
      await until(() => slack.received >= 1, 60_000, 'the first send in flight');
      const ids = (await svc.store.listDeliveries({ limit: 20 })).map((d) => d.id).sort((a, b) => a - b);
      const refused = ids[4]!; // in the digest that follows the first send
      await refuseUpdatesOf(store, refused);
      land();
      await until(
        async () => (await svc.store.listDeliveries({ status: 'pending', limit: 20 })).length === 1,
        60_000,
        'everything but the refused one recorded sent',
      );
      const [left] = await svc.store.listDeliveries({ status: 'pending', limit: 1 });
      t.is(left!.id, refused);
      // Later events on the channel are not held back by it.
      t.is((await svc.send(createdBody({ username: 'laterx' }), q)).status, 200);
      await until(
        async () => (await svc.store.listDeliveries({ status: 'sent', limit: 20 })).length === 10,
        60_000,
        'a later event sent past it',
      );
      const posts = slack.posts.map((p) => JSON.stringify(p.blocks));
      t.deepEqual(
        [...users, 'laterx'].filter((u) => posts.filter((p) => p.includes(u)).length !== 1),
        [],
        'each event sent once: the set-aside one is not sent again',
      );
      const lines = svc.logs.map((l) => JSON.parse(l)).filter((l) => /store refused to record/.test(l.msg));
      t.is(lines.length, 1, 'logged once');
      t.like(lines[0], { level: 50, channel: 'ops', delivery: refused, outcome: 'sent' });
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      t.regex(metrics, /^vcc_notify_store_writes_refused_total\{channel="ops"\} 1$/m);
      const ready = await fetch(`${svc.url}/readyz`);
      t.is(ready.status, 200, 'webhooks are still taken');
      t.like(await ready.json(), { status: 'degraded', storeRefusedWrites: { deliveries: 1 } });
    } finally {
      await stop();
    }
  },
);
