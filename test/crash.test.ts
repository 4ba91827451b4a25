import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { FakeSlack } from './fakes/slack.ts';
import { SqliteStore } from '../src/store/sqlite.ts';

const SECRET = 'crash-secret';

function serve(dir: string, slack: FakeSlack): { child: ChildProcess; port: Promise<string>; out: () => string } {
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  ops: { type: slack, channel: C0CRASH }\nroutes:\n  - channel: ops\n');
  const child = spawn(process.execPath, ['bin/vcc-notify.js', 'serve'], {
    env: { ...process.env, PORT: '0', VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`, SLACK_BOT_TOKEN: 'xoxb-crash', SLACK_API_URL: slack.apiUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  return { child, port: until(() => /"port":(\d+),"store"/.exec(out)?.[1], 15_000, 'listening') as Promise<string>, out: () => out };
}

async function post(port: string, username: string) {
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${SECRET}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(createdBody({ isAgent: true, username })),
  });
  return res.status;
}

test('kill -9 while a send is in flight: after a restart every event is delivered, at most the in-flight one twice', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  try {
    slack.script.push({ hang: true });
    const first = serve(dir, slack);
    const port = await first.port;
    t.is(await post(port, 'crash1'), 200);
    await until(() => slack.received === 1, 10_000, 'the first send to be in flight');
    t.is(await post(port, 'crash2'), 200);
    t.is(await post(port, 'crash3'), 200);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = serve(dir, slack);
    await second.port;
    await until(() => ['crash1', 'crash2', 'crash3'].every((u) => slack.posts.some((p) => JSON.stringify(p.blocks).includes(u))), 15_000, 'all delivered after restart');
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
    const store = await SqliteStore.open(join(dir, 'vcc.db'));
    const ds = await store.listDeliveries({ limit: 10 });
    await store.close();
    t.deepEqual(ds.map((d) => d.status), ['sent', 'sent', 'sent']);
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
    const svc = serve(dir, slack);
    const port = await svc.port;
    t.is(await post(port, 'graceful'), 200);
    await until(() => slack.received === 1, 10_000, 'the send to be in flight');
    svc.child.kill('SIGTERM');
    const [code] = (await once(svc.child, 'exit')) as [number | null];
    t.is(code, 0, svc.out());
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
