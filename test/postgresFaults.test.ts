// Postgres broken as an operator would break it, under the real `vcc-notify serve` process while
// ingest and delivery run: every backend terminated by the server, the database unreachable
// for seconds (connections reset, as when it is killed with -9), and reset while the
// service marks a digest sent. The process must live, keep every acknowledged event, send
// each delivery exactly once, and keep its log readable.
import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { freshDatabase, PG_ADMIN_URL } from './helpers/postgres.ts';
import { TcpProxy } from './helpers/tcpProxy.ts';
import { FakeSlack } from './fakes/slack.ts';
import { PostgresStore } from '../src/store/postgres.ts';
import { checkOut, pgPools } from '../src/store/pgPools.ts';
import { spawnService, stopService, type ServiceProcess } from './helpers/child.ts';

const SECRET = 'pg-fault-secret';

function configFile(dir: string) {
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  ops: { type: slack, channel: C0PGF }\nroutes:\n  - channel: ops\n');
  return cfg;
}

/** Posts as VCC does: a refused (503) or failed request is sent again until a 200, within the deadline. */
async function postUntilAccepted(
  port: number,
  body: unknown,
  svc?: ServiceProcess,
  deadlineMs = 120_000,
): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let tries = 0;
  for (;;) {
    tries += 1;
    const status = await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return tries;
    if (Date.now() > deadline)
      throw new Error(
        `not accepted within ${deadlineMs} ms (last status ${status}); the service ${svc && alive(svc) ? 'runs' : 'is gone'}:\n${svc?.output().slice(-4000) ?? ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

const mentions = (slack: FakeSlack, u: string) =>
  slack.posts.filter((p) => JSON.stringify(p.blocks).includes(u) || p.text.includes(u)).length;

/** The service's warning and error lines (pino JSON, level 40 and up). */
const loudLines = (svc: ServiceProcess) =>
  svc
    .output()
    .split('\n')
    .filter((l) => /"level":(40|50|60)/.test(l));

const alive = (svc: ServiceProcess) => svc.child.exitCode === null && svc.child.signalCode === null;

/** After the faults: nothing pending, every delivery sent, and the store's events by username. */
async function settledStore(url: string): Promise<{ usernames: string[]; statuses: string[] }> {
  const store = await PostgresStore.open(url);
  try {
    await until(async () => (await store.queueStats()).pending === 0, 120_000, 'nothing pending');
    const events = await store.listEvents({ limit: 1000 });
    const deliveries = await store.listDeliveries({ limit: 1000 });
    return {
      usernames: events.map((e) => String(e.new.username)),
      statuses: [...new Set(deliveries.map((d) => d.status))],
    };
  } finally {
    await store.close();
  }
}

/**
 * After the faults: every delivery in the store sent, every acknowledged event (`users`) stored,
 * and each in exactly one message at the fake Slack.
 */
async function assertEachOnce(t: ExecutionContext, url: string, slack: FakeSlack, users: string[]): Promise<void> {
  const stored = await settledStore(url);
  t.deepEqual(stored.statuses, ['sent']);
  t.deepEqual(
    users.filter((u) => !stored.usernames.includes(u)),
    [],
    'every acknowledged event stored',
  );
  t.deepEqual(
    users.filter((u) => mentions(slack, u) !== 1),
    [],
    'each delivery sent exactly once',
  );
}

test('every backend terminated by the server, again and again, during ingest and delivery: alive, nothing lost, nothing sent twice', async (t) => {
  const db = await freshDatabase();
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  slack.script.push({ status: 500 }); // a retryable outcome among the faults
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: configFile(dir),
    SLACK_BOT_TOKEN: 'xoxb-terminated',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
  });
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  let stop = false;
  let terminator: Promise<void> = Promise.resolve();
  try {
    const port = await svc.port;
    await admin.connect();
    const name = new URL(db.url).pathname.slice(1);
    let terminated = 0;
    terminator = (async () => {
      while (!stop) {
        const r = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        terminated += r.rowCount ?? 0;
        await new Promise((res) => setTimeout(res, 250));
      }
    })();
    const users = Array.from({ length: 80 }, (_, i) => `term${String(i).padStart(2, '0')}`);
    let retried = 0;
    for (const u of users)
      retried += (await postUntilAccepted(port, createdBody({ isAgent: true, username: u }), svc)) - 1;
    stop = true;
    await terminator;
    t.log(`${terminated} backends terminated; ${retried} webhook retries (as VCC would)`);
    t.true(terminated > 0, 'backends were terminated');
    await until(() => users.every((u) => mentions(slack, u) >= 1), 120_000, 'everything delivered');
    await assertEachOnce(t, db.url, slack, users);
    t.true(slack.received > slack.posts.length, 'the 500 was retried');
    t.true(alive(svc), svc.output().slice(-2000));
  } finally {
    stop = true;
    await terminator.catch(() => {});
    await admin.end().catch(() => {});
    await stopService(svc, 'SIGKILL');
    await slack.stop();
    await db.drop();
    cleanup(dir);
  }
});

test('the database unreachable for seconds (connections reset) and back: alive, nothing lost or repeated, a few log lines', async (t) => {
  const db = await freshDatabase();
  const proxy = await new TcpProxy(5432).start();
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: configFile(dir),
    SLACK_BOT_TOKEN: 'xoxb-unreachable',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: proxy.via(db.url),
    LOG_LEVEL: 'warn',
  });
  try {
    const port = await svc.port;
    const before = users(0, 30);
    const after = users(30, 60);
    for (const u of before) await postUntilAccepted(port, createdBody({ isAgent: true, username: u }), svc);
    // Down for 4 s while the backlog is being delivered and VCC keeps sending.
    slack.script.push({ status: 503 });
    const quietBefore = loudLines(svc).length;
    proxy.cut('reset');
    const downAt = Date.now();
    const during = postUntilAccepted(port, createdBody({ isAgent: true, username: 'during' }));
    await new Promise((r) => setTimeout(r, 4_000));
    proxy.restore();
    const downMs = Date.now() - downAt;
    await during;
    for (const u of after) await postUntilAccepted(port, createdBody({ isAgent: true, username: u }), svc);
    const all = [...before, 'during', ...after];
    await until(() => all.every((u) => mentions(slack, u) >= 1), 120_000, 'everything delivered');
    await assertEachOnce(t, db.url, slack, all);
    t.true(alive(svc), svc.output().slice(-2000));
    const loud = loudLines(svc).slice(quietBefore);
    t.log(`${loud.length} warning/error lines for a ${downMs} ms outage`);
    // Each kind of failure once per 30 s (and its recovery), never a line per attempt.
    t.true(loud.length <= 20, loud.join('\n'));
  } finally {
    await stopService(svc, 'SIGKILL');
    await proxy.stop();
    await slack.stop();
    await db.drop();
    cleanup(dir);
  }
});

test('connections reset while the service marks a digest sent: the digest is not sent again', async (t) => {
  const db = await freshDatabase();
  const proxy = await new TcpProxy(5432).start();
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  let land!: () => void;
  slack.script.push({ until: new Promise<void>((r) => (land = r)) });
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: configFile(dir),
    SLACK_BOT_TOKEN: 'xoxb-marking',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: proxy.via(db.url),
    LOG_LEVEL: 'warn',
  });
  try {
    const port = await svc.port;
    const first = users(0, 1);
    const burst = users(1, 91);
    for (const u of first) await postUntilAccepted(port, createdBody({ isAgent: true, username: u }));
    await until(() => slack.received >= 1, 60_000, 'the first send in flight');
    // The burst waits behind the held send: it goes as one digest once that has landed.
    for (const u of burst) await postUntilAccepted(port, createdBody({ isAgent: true, username: u }));
    let landDigest!: () => void;
    slack.script.push({ until: new Promise<void>((r) => (landDigest = r)) });
    land();
    await until(() => slack.received >= 2, 60_000, 'the digest reaching Slack');
    // Slack takes the digest; its "sent" goes out into a stalled connection; every connection is reset.
    proxy.stall();
    landDigest();
    await until(() => mentions(slack, burst[0]!) === 1, 60_000, 'the digest taken by Slack');
    await until(() => proxy.heldBytes > 0, 60_000, 'the mark-sent write in flight');
    proxy.cut('reset');
    await new Promise((r) => setTimeout(r, 3_000));
    proxy.restore();
    const stored = await settledStore(db.url);
    t.deepEqual(stored.statuses, ['sent']);
    t.deepEqual(
      [...first, ...burst].filter((u) => mentions(slack, u) !== 1),
      [],
      'each event in exactly one message: no digest sent twice',
    );
    t.true(alive(svc), svc.output().slice(-2000));
  } finally {
    await stopService(svc, 'SIGKILL');
    await proxy.stop();
    await slack.stop();
    await db.drop();
    cleanup(dir);
  }
});

function users(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `pgf${String(from + i).padStart(3, '0')}x`);
}

test('a connection that breaks while its client is checked out is heard, never an uncaught error; the pool serves again after', async (t) => {
  const db = await freshDatabase();
  const proxy = await new TcpProxy(5432).start();
  const { pool } = pgPools(proxy.via(db.url), 2, 5_000);
  try {
    const { client, release } = await checkOut(pool);
    t.is((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    // pg-pool listens for errors on idle clients only: the client's own lifelong listener and checkOut's.
    t.is(client.listenerCount('error'), 2);
    const raw = await pool.connect();
    t.is(raw.listenerCount('error'), 1, 'a client taken without checkOut still has its own');
    raw.release();
    const ended = new Promise((resolve) => client.once('end', resolve));
    proxy.cut('reset'); // the server dies while the client is out and idle
    await ended; // its 'error' went to checkOut's listener; with none, the process would have ended
    release();
    proxy.restore();
    t.is((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1, 'a new connection');
  } finally {
    await pool.end().catch(() => {});
    await proxy.stop();
    await db.drop();
  }
});
