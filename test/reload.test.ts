import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { spawnService, stopService } from './helpers/child.ts';

const SECRET = 'reload-secret';

test('SIGHUP reloads a good config and refuses a bad one, keeping the old in force (vcc_notify_config_reload_ok 0 until a good one)', async (t) => {
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels: { log: { type: console } }\nroutes: []\n');
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: cfg,
    DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
  });
  const { child } = svc;
  const post = async (port: number) => {
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createdBody()),
    });
    return ((await res.json()) as { deliveries: number }).deliveries;
  };
  try {
    const port = await svc.port;
    t.is(await post(port), 0, 'no route yet');
    writeFileSync(cfg, 'channels: { log: { type: console } }\nroutes:\n  - channel: log\n');
    child.kill('SIGHUP');
    await until(() => svc.output().includes('config reloaded'), 60_000, 'reload');
    t.is(await post(port), 1, 'the new route is in force');
    writeFileSync(cfg, 'channels: { log: { type: console } }\nroutes:\n  - channel: nope\n');
    child.kill('SIGHUP');
    await until(() => svc.output().includes('config reload refused'), 60_000, 'refusal');
    t.regex(svc.output(), /unknown channel \\"nope\\"/);
    t.is(await post(port), 1, 'the old config stays in force');
    t.is(child.exitCode, null);
    const reloadOk = async () =>
      /^vcc_notify_config_reload_ok (\d)$/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1];
    t.is(await reloadOk(), '0', 'the refused reload is a metric (the alert VccNotifyConfigReloadFailed reads it)');
    writeFileSync(cfg, 'channels: { log: { type: console } }\nroutes:\n  - channel: log\n');
    child.kill('SIGHUP');
    await until(async () => (await reloadOk()) === '1', 60_000, 'a good reload clears it');
  } finally {
    await stopService(svc);
    cleanup(dir);
  }
});

test('a bad config file stops start-up with the path and the reason', async (t) => {
  const dir = tempDir();
  const cfg = join(dir, 'bad.yaml');
  writeFileSync(cfg, 'channels: { log: { type: console } }\nroutes:\n  - channel: log\n    events: [user.deleted]\n');
  const svc = spawnService(t, { VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}` });
  const code = await svc.exited;
  const err = svc.output();
  t.is(code, 1);
  t.regex(err, /routes\[0\]\.events\[0\] \(line 4\)/);
  t.false(err.includes('    at '), 'no stack trace');
  cleanup(dir);
});
