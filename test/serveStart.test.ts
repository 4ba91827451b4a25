import test from 'ava';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cleanup, tempDir } from './helpers/service.ts';
import { runCli } from './helpers/child.ts';

// `serve` begins opening the store before it loads the rest of the service; whichever part
// fails, the process says so in one line and exits 1 (never an unhandled rejection, never a
// writer thread that keeps it running).

const GOOD = 'channels: { log: { type: console } }\nroutes: [{ channel: log }]\n';
const BROKEN = 'channels: { log: { type: consol } }\nroutes: [{ channel: log }]\n';

const cases = [
  {
    name: 'the store cannot open',
    config: GOOD,
    db: () => 'mysql://db.invalid/vcc',
    says: 'DATABASE_URL: expected sqlite:PATH or postgres://..., got an unknown scheme',
  },
  {
    name: 'the store opens, the config is wrong',
    config: BROKEN,
    db: (dir: string) => `sqlite:${join(dir, 'vcc.db')}`,
    says: 'consol',
  },
  {
    name: 'both fail: the config is named',
    config: BROKEN,
    db: () => 'mysql://db.invalid/vcc',
    says: 'consol',
  },
  {
    name: "the SQLite file's folder is a file",
    config: GOOD,
    db: (dir: string) => {
      writeFileSync(join(dir, 'not-a-folder'), '');
      return `sqlite:${join(dir, 'not-a-folder', 'vcc.db')}`;
    },
    says: 'not-a-folder',
  },
];

for (const c of cases) {
  test(`serve at start-up, ${c.name}: one line on stderr, exit 1`, async (t) => {
    const dir = tempDir();
    t.teardown(() => cleanup(dir));
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(cfg, c.config);
    const r = await runCli(['serve'], { VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: c.db(dir), PORT: '0' });
    t.is(r.code, 1, r.stderr);
    t.true(r.stderr.startsWith('vcc-notify: '), r.stderr);
    t.true(r.stderr.includes(c.says), r.stderr);
    t.false(/unhandled|at .*\.js:\d+/i.test(r.stderr), r.stderr);
  });
}

test('serve on a port already in use: one line naming the address and PORT / HOST, exit 1', async (t) => {
  const dir = tempDir();
  t.teardown(() => cleanup(dir));
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => taken.close(() => r())));
  const port = (taken.address() as AddressInfo).port;
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, GOOD);
  const r = await runCli(['serve'], {
    VCC_NOTIFY_CONFIG: cfg,
    DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  t.is(r.code, 1, r.stderr);
  t.is(
    r.stderr,
    `vcc-notify: 127.0.0.1:${port} is already in use by another process: stop it, or set PORT (and HOST) to a free one\n`,
  );
});
