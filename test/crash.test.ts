import test from 'ava';
import type { ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { FakeSlack } from './fakes/slack.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { spawnService, stopService, type ServiceProcess } from './helpers/child.ts';

const SECRET = 'crash-secret';

function serve(t: ExecutionContext, dir: string, slack: FakeSlack): ServiceProcess {
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  ops: { type: slack, channel: C0CRASH }\nroutes:\n  - channel: ops\n');
  return spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: cfg,
    DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
    SLACK_BOT_TOKEN: 'xoxb-crash',
    SLACK_API_URL: slack.apiUrl,
  });
}

async function post(port: number, username: string) {
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${SECRET}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(createdBody({ isAgent: true, username })),
  });
  return res.status;
}

test('kill -9 while a send is in flight: after a restart every event is delivered, at most the in-flight one twice', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  try {
    slack.script.push({ hang: true });
    const first = serve(t, dir, slack);
    const port = await first.port;
    t.is(await post(port, 'crash1'), 200);
    await until(() => slack.received === 1, 60_000, 'the first send to be in flight');
    t.is(await post(port, 'crash2'), 200);
    t.is(await post(port, 'crash3'), 200);
    await stopService(first, 'SIGKILL');

    const second = serve(t, dir, slack);
    await second.port;
    await until(
      () => ['crash1', 'crash2', 'crash3'].every((u) => slack.posts.some((p) => JSON.stringify(p.blocks).includes(u))),
      60_000,
      'all delivered after restart',
    );
    await stopService(second);
    const store = await SqliteStore.open(join(dir, 'vcc.db'));
    const ds = await store.listDeliveries({ limit: 10 });
    await store.close();
    t.deepEqual(
      ds.map((d) => d.status),
      ['sent', 'sent', 'sent'],
    );
    for (const u of ['crash2', 'crash3']) {
      t.is(slack.posts.filter((p) => JSON.stringify(p.blocks).includes(u)).length, 1, `${u} sent once`);
    }
  } finally {
    await slack.stop();
    cleanup(dir);
  }
});

test('SIGTERM finishes the send in flight, records it, and exits 0', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  try {
    slack.script.push({ delayMs: 700 });
    const svc = serve(t, dir, slack);
    const port = await svc.port;
    t.is(await post(port, 'graceful'), 200);
    await until(() => slack.received === 1, 60_000, 'the send to be in flight');
    const code = await stopService(svc);
    t.is(code, 0, svc.output());
    t.is(slack.posts.length, 1);
    const store = await SqliteStore.open(join(dir, 'vcc.db'));
    const [d] = await store.listDeliveries({ limit: 1 });
    await store.close();
    t.is(d!.status, 'sent');
  } finally {
    await slack.stop();
    cleanup(dir);
  }
});
