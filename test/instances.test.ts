import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir, until, type TestService } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { freshDatabase } from './helpers/postgres.ts';
import { FakeSlack } from './fakes/slack.ts';
import { agentStory } from './helpers/agentStory.ts';
import { PostgresStore } from '../src/store/postgres.ts';
import { spawnService, stopService, type ServiceProcess } from './helpers/child.ts';

const SECRET = 'ha-secret';
const q = { 'secret-key': SECRET };

function configFile(dir: string) {
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  ops: { type: slack, channel: C0HA }\nroutes:\n  - channel: ops\n');
  return cfg;
}

const postsWith = (slack: FakeSlack, u: string) =>
  slack.posts.filter(
    (p) => JSON.stringify(p.blocks).includes(`(${u})`) || JSON.stringify(p.blocks).includes(`${u} was created`),
  ).length;

test("two instances on one database: a burst posted alternately is delivered once, in the channel's rate", async (t) => {
  const db = await freshDatabase();
  const slack = await new FakeSlack({ perChannelPerSecond: true }).start();
  const dir = tempDir();
  const env = {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: configFile(dir),
    SLACK_BOT_TOKEN: 'xoxb-ha',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: db.url,
  };
  const a = await startTestService(env, { dir, pollMs: 100 });
  const b = await startTestService(env, { dir, pollMs: 100 });
  try {
    const users = Array.from({ length: 60 }, (_, i) => `ha${String(i).padStart(3, '0')}`);
    for (const [i, u] of users.entries()) {
      const res = await (i % 2 ? b : a).send(createdBody({ isAgent: true, username: u }), { query: q });
      t.is(res.status, 200);
    }
    const again = await b.send(createdBody({ isAgent: true, username: 'ha000' }), { query: q });
    t.is(again.json.status, 'accepted', 'a new timestamp is a new event');
    await until(async () => (await a.store.queueStats()).pending === 0, 60_000, 'all delivered');
    t.deepEqual(
      users.filter((u) => postsWith(slack, u) < 1),
      [],
      'nothing lost',
    );
    t.deepEqual(
      users.slice(1).filter((u) => postsWith(slack, u) > 1),
      [],
      'nothing repeated',
    );
    t.is(slack.rateLimited, 0, 'the 1 msg/s rate held across instances');
    const ds = await a.store.listDeliveries({ limit: 100 });
    t.is(ds.length, 61);
    t.true(ds.every((d) => d.status === 'sent' && d.attempts === 1));
  } finally {
    await a.stop();
    await b.stop();
    await slack.stop();
    await db.drop();
    cleanup(dir);
  }
});

test('a repeat of an event sent to the other instance is a duplicate', async (t) => {
  const db = await freshDatabase();
  const dir = tempDir();
  const env = { VCC_WEBHOOK_SECRET: SECRET, DATABASE_URL: db.url };
  const a = await startTestService(env, { dir, worker: false });
  const b = await startTestService(env, { dir, worker: false });
  try {
    const body = createdBody();
    const first = await a.send(body, { query: q });
    const second = await b.send(body, { query: q });
    t.deepEqual(second.json, { status: 'duplicate', event: first.json.event });
  } finally {
    await a.stop();
    await b.stop();
    await db.drop();
    cleanup(dir);
  }
});

test('kill -9 one instance mid-burst: the other finishes its work, nothing acknowledged is lost', async (t) => {
  const db = await freshDatabase();
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const env = {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: configFile(dir),
    SLACK_BOT_TOKEN: 'xoxb-ha',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: db.url,
    DELIVERY_LEASE_SECONDS: '2',
    LOG_LEVEL: 'info',
  };
  // A starts alone and takes the channel's lease with a send that never returns; B joins
  // after, so it is B that must take the channel over once A is killed.
  slack.script.push({ hang: true });
  const a = spawnService(t, env);
  let b: ServiceProcess | null = null;
  try {
    const pa = await a.port;
    const acked: string[] = [];
    const post = async (port: number, u: string) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${SECRET}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(createdBody({ isAgent: true, username: u })),
        });
        if (res.status === 200) acked.push(u);
      } catch {
        /* the killed instance */
      }
    };
    await post(pa, 'kill000');
    await until(() => slack.received > 0, 60_000, 'A has a send in flight');
    b = spawnService(t, env);
    const pb = await b.port;
    for (let i = 1; i < 40; i += 1) {
      await post(i % 2 ? pb : pa, `kill${String(i).padStart(3, '0')}`);
      if (i === 20) {
        await stopService(a, 'SIGKILL');
      }
    }
    t.true(acked.length >= 30);
    const store = await PostgresStore.open(db.url);
    try {
      await until(async () => (await store.queueStats()).pending === 0, 120_000, 'the survivor drains the queue');
    } finally {
      await store.close();
    }
    t.deepEqual(
      acked.filter((u) => postsWith(slack, u) === 0),
      [],
      'every acknowledged event delivered',
    );
    t.true(acked.includes('kill000') && postsWith(slack, 'kill000') === 1, "A's in-flight event was sent by B");
  } finally {
    for (const p of [a, b]) if (p) await stopService(p, 'SIGKILL');
    await slack.stop();
    await db.drop();
    cleanup(dir);
  }
});

/** Two in-process instances on a fresh Postgres with `yaml` as config and one fake Slack; all stopped after `fn`. */
async function twoInstances(
  yaml: string,
  clock: (() => number) | undefined,
  fn: (a: TestService, b: TestService, slack: FakeSlack) => Promise<void>,
): Promise<void> {
  const db = await freshDatabase();
  const slack = await new FakeSlack({ perChannelPerSecond: true }).start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, yaml);
  const env = {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: cfg,
    SLACK_BOT_TOKEN: 'xoxb-ha',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: db.url,
  };
  const a = await startTestService(env, { dir, pollMs: 20, ...(clock && { clock }) });
  const b = await startTestService(env, { dir, pollMs: 20, ...(clock && { clock }) });
  try {
    await fn(a, b, slack);
  } finally {
    await a.stop();
    await b.stop();
    await slack.stop();
    cleanup(dir);
    await db.drop();
  }
}

test('two instances on one database: first events of one agent sent to both at once make one root, the rest reply in it', (t) =>
  twoInstances(
    'channels:\n  ops: { type: slack, channel: C0HA, thread: agent }\nroutes:\n  - channel: ops\n',
    undefined,
    async (a, b, slack) => {
      // Five agents; each one's creation and first change reach the two instances at once.
      for (let round = 0; round < 3; round += 1) {
        const agents = Array.from({ length: 5 }, (_, i) => agentStory(3000 + round * 10 + i, `pair_${round}_${i}`));
        await Promise.all(
          agents.flatMap((s) => [a.send(s.created(), { query: q }), b.send(s.change({ privGroup: 4 }), { query: q })]),
        );
        // Rounds apart: more than ten new agents in one read would be a burst (digests, no roots).
        await until(async () => (await a.store.queueStats()).pending === 0, 60_000, `round ${round}`);
      }
      await until(async () => (await a.store.queueStats()).pending === 0, 60_000, 'all delivered');
      const roots = slack.topLevel;
      const rootsPerAgent = new Map<string, number>();
      for (const p of roots) {
        const m = /pair_\d_\d/.exec(JSON.stringify(p.blocks));
        if (m) rootsPerAgent.set(m[0], (rootsPerAgent.get(m[0]) ?? 0) + 1);
      }
      t.is(rootsPerAgent.size, 15, 'every agent has a root');
      t.deepEqual(
        [...rootsPerAgent.values()].filter((n) => n !== 1),
        [],
        'one root per agent',
      );
      const stored = await Promise.all(
        Array.from({ length: 15 }, (_, i) => a.store.threadsOf(String(3000 + Math.floor(i / 5) * 10 + (i % 5)))),
      );
      t.true(
        stored.every((r) => r.length === 1 && r[0]!.changes === 2),
        'each thread holds both events',
      );
      t.is(slack.rateLimited, 0);
    },
  ));

test('two instances on one database: a backlog held through quiet hours is sent once, as one summary', (t) => {
  let offset = Date.parse('2026-12-08T03:00:00Z') - Date.now();
  const yaml =
    'time_intervals:\n  nights:\n    - times: [{ start_time: "00:00", end_time: "06:00" }]\nchannels:\n  ops: { type: slack, channel: C0HA, quiet: nights }\nroutes:\n  - channel: ops\n';
  return twoInstances(
    yaml,
    () => Date.now() + offset,
    async (a, b, slack) => {
      const stories = Array.from({ length: 6 }, (_, i) => agentStory(6000 + i, `held_${i}`));
      for (const [i, s] of stories.entries()) t.is((await (i % 2 ? b : a).send(s.created(), { query: q })).status, 200);
      t.is((await a.store.queueStats()).pending, 6);
      offset = Date.parse('2026-12-08T06:01:00Z') - Date.now();
      a.worker.wake();
      b.worker.wake();
      await until(async () => (await a.store.queueStats()).pending === 0, 60_000, 'the backlog sent');
      t.is(slack.posts.length, 1, 'one summary');
      t.regex(slack.posts[0]!.text, /^While you were away: 6 changes$/);
      const text = JSON.stringify(slack.posts[0]!.blocks);
      t.deepEqual(
        stories.map((_, i) => text.includes(`held_${i}`)),
        Array(6).fill(true),
      );
      t.true((await a.store.listDeliveries({ limit: 10 })).every((d) => d.status === 'sent' && d.attempts === 1));
    },
  );
});
