import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { ackingSenders, runCli, spawnService, stopService } from './helpers/child.ts';

const SECRET = 'backup-secret';

test('backup during ingest: the copy opens and holds every event acknowledged before it started', async (t) => {
  const dir = tempDir();
  const env = { VCC_WEBHOOK_SECRET: SECRET, DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`, LOG_LEVEL: 'warn' };
  const svc = spawnService(t, env);
  try {
    const port = await svc.port;
    const { acked, stop } = ackingSenders(port, SECRET, 4);
    await until(() => acked.length >= 200, 120_000, '200 acknowledged events');
    const before = [...acked];
    const copy = join(dir, 'copy.db');
    const r = await runCli(['backup', copy], env);
    const during = acked.length - before.length;
    await stop();
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /^backed up \d+ events \([\d.]+ MiB\) to .*copy\.db; integrity check ok/);
    t.true(during > 0, 'ingest went on while the backup ran');

    const db = new Database(copy, { readonly: true });
    try {
      const ids = new Set((db.prepare('SELECT id FROM events').all() as Array<{ id: number }>).map((x) => x.id));
      t.deepEqual(
        before.filter((id) => !ids.has(id)),
        [],
        'every event acknowledged before the backup is in it',
      );
      const orphans = db
        .prepare('SELECT count(*) AS n FROM deliveries WHERE event_id NOT IN (SELECT id FROM events)')
        .get() as { n: number };
      t.is(orphans.n, 0, 'a consistent snapshot: no delivery without its event');
    } finally {
      db.close();
    }

    const again = await runCli(['backup', copy], env);
    t.is(again.code, 1);
    t.is(again.stderr, `vcc-notify: ${copy} exists already; backup never overwrites a file\n`);
    const pg = await runCli(['backup', join(dir, 'x.db')], {
      ...env,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    t.is(pg.code, 1);
    t.regex(pg.stderr, /use pg_dump/);
  } finally {
    await stopService(svc);
    cleanup(dir);
  }
});

test('--version prints the package version', async (t) => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const r = await runCli(['--version'], {});
  t.is(r.code, 0);
  t.is(r.stdout, `${version}\n`);
});

test("the V8 heap flags are the same in the bin's first line, `npm start` and the systemd unit; the bin runs by itself", async (t) => {
  const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');
  const shebang = /^#!\/usr\/bin\/env -S node((?: --[a-z-]+=\d+)+)\n/.exec(read('bin/vcc-notify.js'));
  t.truthy(shebang, 'bin/vcc-notify.js starts with `#!/usr/bin/env -S node --flag=N ...`');
  const flags = shebang![1]!.trim();
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  t.is(scripts.start, `node ${flags} bin/vcc-notify.js serve`);
  t.regex(
    read('docs/vcc-notify.service'),
    new RegExp(`^ExecStart=/usr/bin/node ${flags} /opt/vcc-notify/bin/vcc-notify\\.js serve$`, 'm'),
  );
  const direct = await new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(fileURLToPath(new URL('../bin/vcc-notify.js', import.meta.url)), ['--version'], (e, out) =>
      resolve({ code: e ? (e.code as number) : 0, out }),
    );
  });
  t.is(direct.code, 0);
  t.regex(direct.out, /^\d+\.\d+\.\d+\n$/);
});
