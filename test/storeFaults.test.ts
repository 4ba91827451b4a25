// Faults of the database under a running service (the real process, its real Postgres store):
// an outage while a platform takes a digest, and a table locked by someone else.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { freshDatabase } from './helpers/postgres.ts';
import { TcpProxy } from './helpers/tcpProxy.ts';
import { FakeSlack } from './fakes/slack.ts';
import { PostgresStore } from '../src/store/postgres.ts';
import { spawnService, stopService } from './helpers/child.ts';

const SECRET = 'fault-secret';

function configFile(dir: string) {
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  ops: { type: slack, channel: C0FAULT }\nroutes:\n  - channel: ops\n');
  return cfg;
}

const post = (port: number, body: unknown) =>
  fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${SECRET}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const postsWith = (slack: FakeSlack, u: string) =>
  slack.posts.filter(
    (p) => JSON.stringify(p.blocks).includes(`(${u})`) || JSON.stringify(p.blocks).includes(`${u} was created`),
  ).length;

test('a database outage while Slack takes a digest: the digest is not sent again when the database is back', async (t) => {
  const db = await freshDatabase();
  const proxy = await new TcpProxy(5432).start();
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  let land!: () => void;
  slack.script.push({
    until: new Promise<void>((r) => {
      land = r;
    }),
  });
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: configFile(dir),
    SLACK_BOT_TOKEN: 'xoxb-fault',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: proxy.via(db.url),
    LOG_LEVEL: 'info',
  });
  try {
    const port = await svc.port;
    const users = Array.from({ length: 30 }, (_, i) => `outage${String(i).padStart(2, '0')}`);
    for (const u of users) t.is((await post(port, createdBody({ isAgent: true, username: u }))).status, 200);
    await until(() => slack.received >= 1, 60_000, 'the first send in flight');
    proxy.cut(); // the database goes away while Slack holds the message
    land(); // Slack takes it; recording it as sent fails
    await until(
      () => svc.output().includes("the store could not record a send's outcome"),
      60_000,
      'the worker failing to record the send',
    );
    const during = (await post(port, createdBody({ isAgent: true, username: 'during' }))).status;
    t.is(during, 503, 'a webhook during the outage is 503 (VCC retries it)');
    proxy.restore();
    await until(
      async () => (await post(port, createdBody({ isAgent: true, username: 'after' }))).status === 200,
      60_000,
      'ingest again',
    );
    await until(() => [...users, 'after'].every((u) => postsWith(slack, u) >= 1), 120_000, 'everything delivered');
    const store = await PostgresStore.open(db.url);
    try {
      await until(async () => (await store.queueStats()).pending === 0, 60_000, 'nothing pending');
      const ds = await store.listDeliveries({ limit: 100 });
      t.true(
        ds.every((d) => d.status === 'sent'),
        JSON.stringify(ds.map((d) => d.status)),
      );
    } finally {
      await store.close();
    }
    t.deepEqual(
      users.filter((u) => postsWith(slack, u) !== 1),
      [],
      'every acknowledged event sent exactly once',
    );
    t.regex(svc.output(), /recorded an outcome held while the store was unavailable/);
  } finally {
    await stopService(svc, 'SIGKILL');
    await proxy.stop();
    await slack.stop();
    await db.drop();
    cleanup(dir);
  }
});

test('a locked events table: webhooks get 503 within the write timeout, /readyz says 503; both recover', async (t) => {
  const db = await freshDatabase();
  const dir = tempDir();
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: configFile(dir),
    SLACK_BOT_TOKEN: 'xoxb-lock',
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    STORE_WRITE_TIMEOUT_SECONDS: '2',
  });
  const locker = new pg.Client({ connectionString: db.url });
  try {
    const port = await svc.port;
    t.is((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE'); // what VACUUM FULL holds
    const bodies = Array.from({ length: 5 }, (_, i) => createdBody({ username: `locked${i}` }));
    const answers = await Promise.all(bodies.map((b) => post(port, b)));
    t.deepEqual(
      answers.map((r) => r.status),
      [503, 503, 503, 503, 503],
    );
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    t.is(ready.status, 503);
    // What the alerts read (deploy/prometheus/alerts.yml): the store down, the 503s counted.
    const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const during = await metrics();
    t.regex(during, /^vcc_notify_store_up 0$/m);
    t.regex(during, /^vcc_notify_requests_refused_total\{reason="store_unavailable"\} 5$/m);
    await locker.query('ROLLBACK');
    t.is((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    t.regex(await metrics(), /^vcc_notify_store_up 1$/m);
    // VCC retries each refused event: stored once each, nothing half-written before.
    const retried = await Promise.all(bodies.map((b) => post(port, b)));
    t.deepEqual(
      retried.map((r) => r.status),
      [200, 200, 200, 200, 200],
    );
    t.deepEqual(
      await Promise.all(retried.map(async (r) => ((await r.json()) as { status: string }).status)),
      Array(5).fill('accepted'),
    );
    const store = await PostgresStore.open(db.url);
    try {
      t.is((await store.listEvents({ limit: 100 })).length, 5);
    } finally {
      await store.close();
    }
  } finally {
    await locker.end().catch(() => {});
    await stopService(svc, 'SIGKILL');
    await db.drop();
    cleanup(dir);
  }
});
