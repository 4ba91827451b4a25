import test from 'ava';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertLoopbackUrl, isLoopbackHost } from './helpers/loopbackOnly.mjs';
import { childEnv, INHERITED, isTestKnob, SCRATCH } from './helpers/hermetic.ts';
import { spawnService, stopService } from './helpers/child.ts';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { SqliteStore } from '../src/store/sqlite.ts';

const allowed = (k: string) => INHERITED.includes(k) || isTestKnob(k);

test('a test worker holds none of the shell environment', (t) => {
  t.deepEqual(
    Object.keys(process.env).filter((k) => !allowed(k)),
    [],
  );
});

test('a child gets the allowlist, the guard and what the test sets, in a scratch directory', async (t) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-e', 'console.log(JSON.stringify({ env: process.env, cwd: process.cwd() }))'],
    { env: childEnv({ PORT: '0' }), cwd: SCRATCH },
  );
  const { env, cwd } = JSON.parse(stdout) as { env: Record<string, string>; cwd: string };
  t.is(cwd, SCRATCH);
  t.is(env.PORT, '0');
  t.is(env.HOME, SCRATCH);
  t.regex(env.NODE_OPTIONS ?? '', /loopbackOnly\.mjs/);
  t.deepEqual(
    Object.keys(env).filter((k) => !allowed(k) && !['PORT', 'HOME', 'NODE_OPTIONS'].includes(k)),
    [],
  );
});

const hosts: Array<[string, boolean]> = [
  ['127.0.0.1', true],
  ['127.8.9.10', true],
  ['localhost', true],
  ['::1', true],
  ['[::1]', true],
  ['::ffff:127.0.0.1', true],
  ['slack.com', false],
  ['10.0.0.1', false],
  ['192.168.1.1', false],
  ['128.0.0.1', false],
  ['::', false],
  ['127.0.0.1.nip.io', false],
];
for (const [host, ok] of hosts) {
  test(`loopback guard: ${host} is ${ok ? 'reachable' : 'refused'}`, (t) => t.is(isLoopbackHost(host), ok));
}

test('the guard refuses https://slack.com before sending, in the test process', async (t) => {
  t.throws(() => assertLoopbackUrl('https://slack.com/api/'), { message: /refused to connect to slack\.com/ });
  const err = await t.throwsAsync(fetch('https://slack.com/api/auth.test', { method: 'POST' }));
  t.is((err?.cause as { code?: string } | undefined)?.code, 'ELOOPBACKONLY');
});

test('a service given a bot token and no SLACK_API_URL cannot reach slack.com from a test', async (t) => {
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  ops: { type: slack, channel: C0REAL }\nroutes:\n  - channel: ops\n');
  const db = join(dir, 'vcc.db');
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: 's',
    VCC_NOTIFY_CONFIG: cfg,
    DATABASE_URL: `sqlite:${db}`,
    SLACK_BOT_TOKEN: 'xoxb-looks-real',
    LOG_LEVEL: 'info',
  });
  try {
    const port = await svc.port;
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=s`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createdBody()),
    });
    t.is(res.status, 200);
    await until(
      () => svc.output().includes('refused to connect to slack.com'),
      120_000,
      'the guard refusing slack.com',
    );
    await stopService(svc, 'SIGKILL');
    const store = await SqliteStore.open(db);
    try {
      const [d] = await store.listDeliveries({ limit: 10 });
      t.not(d?.status, 'sent');
    } finally {
      await store.close();
    }
  } finally {
    cleanup(dir);
  }
});
