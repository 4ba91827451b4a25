// `npm run bench:instructions [REF]`: instructions each request costs (valgrind's callgrind
// counts them, so a busy machine does not move the figure), this checkout side by side with
// REF (default HEAD~1). For changes smaller than the noise of `npm run bench`. Needs valgrind.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drained, loadAmount } from './ingest.ts';

const SECRET = 'bench-secret';
/** Two loads whose difference is the figure: start-up and warm-up cancel out. */
const SMALL = Number(process.env.BENCH_SMALL ?? 300);
const LARGE = Number(process.env.BENCH_LARGE ?? 900);
const here = fileURLToPath(new URL('..', import.meta.url));

interface Count { all: number; main: number }

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

/** Instructions the service in `repo` executed, all threads and the main thread, over start, warm-up and `requests`. */
async function countRun(repo: string, requests: number): Promise<Count> {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-instr-'));
  try {
    const port = await freePort();
    const out = openSync(join(dir, 'service.log'), 'w');
    const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${join(dir, 'cg.%p')}`,
      process.execPath, 'bin/vcc-notify.js', 'serve'], {
      cwd: repo, stdio: ['ignore', out, out],
      env: { ...process.env, PORT: String(port), VCC_WEBHOOK_SECRET: SECRET, DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, LOG_LEVEL: 'info' },
    });
    closeSync(out);
    let failedToStart: Error | null = null;
    child.once('error', (e) => { failedToStart = e; });
    const exited = new Promise((r) => child.once('close', r));
    const base = `http://127.0.0.1:${port}`;
    const until = Date.now() + 600_000;
    for (;;) {
      if (failedToStart) throw new Error(`cannot run valgrind (${(failedToStart as Error).message}); on Debian: apt-get install valgrind`);
      if (child.exitCode !== null) throw new Error(`the service under valgrind exited: ${readFileSync(join(dir, 'service.log'), 'utf8').slice(-500)}`);
      if (Date.now() > until) throw new Error('the service under valgrind did not start in 10 minutes');
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const url = `${base}/webhooks/vcc/users?secret-key=${SECRET}`;
    const failed = (await loadAmount(url, 200, 10)) + (await loadAmount(url, requests, 10));
    // Every event's delivery (to the console channel) is part of what a request costs.
    await drained(port, 600_000);
    child.kill('SIGTERM');
    await exited;
    if (failed > 0) throw new Error(`${failed} requests failed under valgrind`);
    const files = readdirSync(dir).filter((f) => /^cg\.\d+-\d+$/.test(f));
    const total = (f: string) => Number(/^(?:totals|summary): (\d+)/m.exec(readFileSync(join(dir, f), 'utf8'))?.[1] ?? 0);
    return { all: files.reduce((n, f) => n + total(f), 0), main: total(files.find((f) => f.endsWith('-01'))!) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Instructions per request of the service in `repo`: the larger load minus the smaller. */
async function perRequest(repo: string): Promise<Count> {
  const small = await countRun(repo, SMALL);
  const large = await countRun(repo, LARGE);
  const n = LARGE - SMALL;
  return { all: (large.all - small.all) / n, main: (large.main - small.main) / n };
}

const ref = process.argv[2] ?? 'HEAD~1';
const tree = mkdtempSync(join(tmpdir(), 'vcc-instr-base-'));
execFileSync('git', ['worktree', 'add', '--detach', tree, ref], { cwd: here, stdio: 'ignore' });
try {
  symlinkSync(join(here, 'node_modules'), join(tree, 'node_modules'));
  const before = await perRequest(tree);
  const now = await perRequest(here);
  const m = (x: number) => `${(x / 1e6).toFixed(2)} M`.padStart(9);
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${((b / a - 1) * 100).toFixed(1)}%`.padStart(8);
  console.log(`\nInstructions per request (callgrind; ${LARGE}-request run minus ${SMALL}-request run, 10 connections, distinct events)`);
  console.log('target'.padEnd(24), 'all threads'.padStart(12), 'main thread'.padStart(12));
  console.log(`${ref}`.padEnd(24), m(before.all).padStart(12), m(before.main).padStart(12));
  console.log('this checkout'.padEnd(24), m(now.all).padStart(12), m(now.main).padStart(12), '  ', pct(before.all, now.all), pct(before.main, now.main));
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: here, stdio: 'ignore' });
}
