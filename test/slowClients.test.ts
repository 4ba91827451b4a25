import test from 'ava';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { spawnService, stopService } from './helpers/child.ts';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { SqliteStore } from '../src/store/sqlite.ts';

const SECRET = 'slow-secret';

/**
 * Opens a socket that counts as closed once the server ends it. It reads (and drops) what the
 * server sends: a paused socket may never see the server's end, and would look open forever.
 */
function open(port: number, behave: (s: Socket) => void): { closed: () => boolean } {
  let closed = false;
  const s = connect(port, '127.0.0.1', () => behave(s));
  s.resume();
  s.on('error', () => {});
  s.on('close', () => {
    closed = true;
  });
  return { closed: () => closed };
}

test('idle and header-dribbling connections are closed by the service; VCC is answered meanwhile', async (t) => {
  const dir = tempDir();
  const db = join(dir, 'vcc.db');
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    DATABASE_URL: `sqlite:${db}`,
    LOG_LEVEL: 'warn',
    HTTP_HEADERS_TIMEOUT_SECONDS: '2',
    HTTP_REQUEST_TIMEOUT_SECONDS: '4',
    HTTP_MAX_CONNECTIONS: '400',
  });
  const timers: NodeJS.Timeout[] = [];
  try {
    const port = await svc.port;
    const idle = Array.from({ length: 150 }, () => open(port, () => {}));
    const dribbling = Array.from({ length: 100 }, () =>
      open(port, (s) => {
        s.write('POST /webhooks/vcc/users HTTP/1.1\r\nHost: x\r\n');
        timers.push(
          setInterval(() => {
            if (!s.destroyed) s.write('X-Slow: 1\r\n');
          }, 200),
        );
      }),
    );
    const slowBody = Array.from({ length: 50 }, () =>
      open(port, (s) => {
        s.write(
          `POST /webhooks/vcc/users?secret-key=${SECRET} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{`,
        );
        timers.push(
          setInterval(() => {
            if (!s.destroyed) s.write(' ');
          }, 200),
        );
      }),
    );
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createdBody()),
    });
    t.is(res.status, 200, 'VCC is answered while 300 slow clients hold connections');
    const acked = ((await res.json()) as { event: number }).event;
    const all = [...idle, ...dribbling, ...slowBody];
    const stillOpen = () => {
      const [a, b, c] = [idle, dribbling, slowBody].map((g) => g.filter((x) => !x.closed()).length);
      return `still open: ${a} idle, ${b} dribbling, ${c} slow body`;
    };
    await until(() => all.every((c) => c.closed()), 60_000, 'every slow connection closed by the service').catch(
      (e) => {
        throw new Error(`${(e as Error).message} (${stillOpen()})`);
      },
    );
    t.true(all.every((c) => c.closed()));
    await stopService(svc, 'SIGTERM');
    const store = await SqliteStore.open(db);
    try {
      t.truthy(await store.getEvent(acked), 'the acknowledged event is stored');
    } finally {
      await store.close();
    }
  } finally {
    for (const i of timers) clearInterval(i);
    await stopService(svc, 'SIGKILL');
    cleanup(dir);
  }
});

/** A kept-alive connection the server has surely accepted: it answered one request on it. */
function keptAlive(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.once('data', () => resolve(s));
    s.on('error', reject);
  });
}

test('connections past HTTP_MAX_CONNECTIONS are closed at once; the service answers when they go', async (t) => {
  const dir = tempDir();
  const svc = spawnService(t, {
    VCC_WEBHOOK_SECRET: SECRET,
    DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
    LOG_LEVEL: 'warn',
    HTTP_HEADERS_TIMEOUT_SECONDS: '120',
    HTTP_REQUEST_TIMEOUT_SECONDS: '120',
    HTTP_KEEP_ALIVE_SECONDS: '120',
    HTTP_MAX_CONNECTIONS: '40',
  });
  const held: Socket[] = [];
  try {
    const port = await svc.port;
    for (let i = 0; i < 40; i++) held.push(await keptAlive(port));
    // Timeouts are two minutes: only the cap can close these.
    const extra = Array.from({ length: 20 }, () => open(port, () => {}));
    await until(() => extra.every((c) => c.closed()), 60_000, 'connections over the cap closed');
    t.true(extra.every((c) => c.closed()));
    for (const s of held) s.destroy();
    const res = await until(
      async () => {
        try {
          return await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${SECRET}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(createdBody()),
          });
        } catch {
          return null; // the server may not have seen the held ones close yet
        }
      },
      60_000,
      'an answer once the held connections are gone',
    );
    t.is(res!.status, 200);
  } finally {
    for (const s of held) s.destroy();
    await stopService(svc, 'SIGKILL');
    cleanup(dir);
  }
});
