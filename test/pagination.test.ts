// Issue 14: listings page back by id (keyset), so rows arriving while someone pages never make
// a row appear twice or get skipped.
import test from 'ava';
import { join } from 'node:path';
import { cleanup, startTestService } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { runCli } from './helpers/child.ts';

const SECRET = 'page-secret';
const TOKEN = 'page-admin-token';
const q = { 'secret-key': SECRET };

test('admin events pages and `deliveries --before`: no row repeated or skipped while new events arrive', async (t) => {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: TOKEN }, { worker: false });
  try {
    for (let i = 0; i < 120; i += 1)
      t.is((await svc.send(createdBody({ username: `p${i}` }), { query: q })).status, 200);
    const seen: number[] = [];
    let next: string | null = '/admin';
    let extra = 0;
    while (next) {
      const page = await (await fetch(`${svc.url}${next}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      seen.push(...[...page.matchAll(/<a href="\/admin\/events\/(\d+)">/g)].map((m) => Number(m[1])));
      // New events arrive between pages.
      for (let i = 0; i < 7; i += 1)
        t.is((await svc.send(createdBody({ username: `late${extra++}` }), { query: q })).status, 200);
      const link: RegExpExecArray | null = /<a class="older" href="([^"]+)">/.exec(page);
      next = link ? link[1]!.replace(/&amp;/g, '&') : null;
    }
    const first = seen[0]!;
    t.is(first, 120, 'the first page starts at the newest event of the time');
    t.deepEqual(
      seen,
      Array.from({ length: 120 }, (_, i) => 120 - i),
      'every event once, newest first, none of those that arrived later',
    );
    t.is(new Set(seen).size, seen.length);

    // The CLI pages the same way.
    const env = { VCC_WEBHOOK_SECRET: SECRET, DATABASE_URL: `sqlite:${join(svc.dir, 'vcc.db')}` };
    const ids: number[] = [];
    let before: string[] = [];
    for (;;) {
      const r = await runCli(['deliveries', '--limit', '100', ...before], env);
      t.is(r.code, 0, r.stderr);
      ids.push(...[...r.stdout.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1])));
      const more = /\(more: add --before (\d+)\)/.exec(r.stdout);
      if (!more) break;
      before = ['--before', more[1]!];
      await svc.send(createdBody({ username: `later${ids.length}` }), { query: q });
    }
    const total = 120 + extra;
    t.deepEqual(
      ids.slice().sort((a, b) => b - a),
      ids,
      'newest first',
    );
    t.is(new Set(ids).size, ids.length, 'no delivery twice');
    t.is(ids[0], total, 'started at the newest delivery');
    t.is(ids.length, total, 'none skipped');
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});
