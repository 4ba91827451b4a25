import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { vccFixture } from '../test/helpers/fixtures.ts';
import { childEnv, SCRATCH } from '../test/helpers/hermetic.ts';

const SECRET = 'bench-secret';
/** The service under test: this checkout's, or another build's (BENCH_BIN, for before/after figures). */
export const SERVICE_BIN = resolve(process.env.BENCH_BIN ?? 'bin/vcc-notify.js');
/** The baseline: a bare node:http server in plain JavaScript (no loader, no dependencies). */
export const BARE_SERVER = resolve('bench/bareServer.mjs');

/**
 * How to run `args`: the service through its own first line (with the V8 flags it is
 * installed and started with), any other script with this node.
 */
export const commandFor = (args: string[]): [string, string[]] =>
  args[0] === SERVICE_BIN || args[0] === BASE_BIN ? [resolve(args[0]), args.slice(1)] : [process.execPath, args];

/** Another build to load in the same rounds (BENCH_BASE_BIN: before/after figures from one run). */
export const BASE_BIN = process.env.BENCH_BASE_BIN ? resolve(process.env.BENCH_BASE_BIN) : null;

/**
 * The whole environment of a process the bench starts: the tests' allowlist plus `env`, never
 * the shell's settings or a `.env` (children run in a scratch directory). Without the tests'
 * connection guard, so figures are the service's own.
 */
export const benchEnv = (env: NodeJS.ProcessEnv): Record<string, string> =>
  childEnv(Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)), {
    guard: false,
  });

/** A process's resident set now (VmRSS) or at its peak (VmHWM), in MiB, from /proc. */
export function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const peakRssMiB = (pid: number) => rssMiB(pid, 'VmHWM');
const sample = vccFixture('user-created');

export interface LoadResult {
  name: string;
  /** The process's peak resident set (VmHWM) after all its loads, in MiB. */
  peakRssMiB?: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

/** One target's figures over all rounds, with its ratio to the bare server in each round. */
export interface TargetResult extends LoadResult {
  /** rps / bare rps, per round (the bare server was loaded just before, in the same round). */
  ratios: number[];
}

/**
 * Starts a child process with its stdout going to `logFile` (as a service's log goes to a file
 * or the journal, not through the load generator's process) and resolves with the port it
 * reports there.
 */
async function startChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  portOf: (line: string) => number | undefined,
): Promise<{ child: ChildProcess; port: number }> {
  const out = openSync(logFile, 'w');
  const child = spawn(...commandFor(args), { env: benchEnv(env), cwd: SCRATCH, stdio: ['ignore', out, 'inherit'] });
  closeSync(out);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (exited !== undefined) throw new Error(`${args.join(' ')} exited with ${exited}`);
    const port = readFileSync(logFile, 'utf8')
      .split('\n')
      .map(portOf)
      .find((p) => p !== undefined);
    if (port !== undefined) return { child, port };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not start`);
}

const portFrom = (re: RegExp) => (line: string) => {
  const m = re.exec(line);
  return m ? Number(m[1]) : undefined;
};

/**
 * autocannon at 50 connections for `seconds`, every request a distinct "User Created" event:
 * `next()` numbers it (user id), `stamp(n)` gives its VCC timestamp. Callers keep their counter
 * for the whole run, so a later round never repeats an earlier one's events (duplicates).
 */
export function distinctEventLoad(url: string, seconds: number, next: () => number, stamp: (n: number) => string) {
  return autocannon({
    url,
    connections: 50,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          const n = next();
          return {
            ...req,
            body: JSON.stringify({ ...sample, timestamp: stamp(n), new: { ...sample.new, userId: n } }),
          };
        },
      },
    ],
  });
}

let seq = 0;
/** Loads `url` with 50 connections for `seconds`, each request a distinct "User Created" event. */
async function load(name: string, url: string, seconds: number): Promise<LoadResult> {
  const r = await distinctEventLoad(
    url,
    seconds,
    () => ++seq,
    (n) => new Date(1_700_000_000_000 + n * 1000).toISOString(),
  );
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    total: r.requests.total,
  };
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Waits until the service has delivered its backlog, so its worker does not run into the next load. */
async function drained(port: number, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    if (/^vcc_notify_queue_depth 0$/m.test(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The middle value (the upper one of two for an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Bare node:http vs the real service (SQLite, fsync before 200, and any `extra` targets),
 * in `rounds` rounds: each round loads the bare server, then each target, for
 * `seconds / rounds` each, so a burst of noise on this noisy machine lands on one round,
 * not on one side. Figures are medians over the rounds.
 */
export async function benchIngest(
  seconds: number,
  rounds: number,
  extra: Array<{ name: string; env: NodeJS.ProcessEnv; bin?: string }> = [],
): Promise<{ bare: LoadResult; targets: TargetResult[] }> {
  const slice = Math.max(1, Math.round(seconds / rounds));
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  try {
    const logs = mkdtempSync(join(tmpdir(), 'vcc-bench-logs-'));
    dirs.push(logs);
    const bare = await startChild([BARE_SERVER], {}, join(logs, 'bare.log'), portFrom(/"port":(\d+)/));
    children.push(bare.child);
    const targets = [];
    for (const target of [
      {
        name: 'vcc-notify, SQLite (fsync before 200)',
        env: {} as NodeJS.ProcessEnv,
        bin: undefined as string | undefined,
      },
      ...extra,
    ]) {
      const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-'));
      dirs.push(dir);
      const svc = await startChild(
        [target.bin ?? SERVICE_BIN, 'serve'],
        {
          PORT: '0',
          VCC_WEBHOOK_SECRET: SECRET,
          DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
          LOG_LEVEL: 'info',
          ...target.env,
        },
        join(dir, 'service.log'),
        portFrom(/"port":(\d+),"store"/),
      );
      children.push(svc.child);
      targets.push({
        ...target,
        child: svc.child,
        port: svc.port,
        url: `http://127.0.0.1:${svc.port}/webhooks/vcc/users?secret-key=${SECRET}`,
      });
    }
    const bareUrl = `http://127.0.0.1:${bare.port}/`;
    await load('warm-up', bareUrl, 1);
    for (const t of targets) {
      await load('warm-up', t.url, 1);
      await drained(t.port);
    }
    const bareRuns: LoadResult[] = [];
    const runs = targets.map(() => [] as LoadResult[]);
    for (let r = 0; r < rounds; r += 1) {
      bareRuns.push(await load('bare', bareUrl, slice));
      for (const [i, t] of targets.entries()) {
        runs[i]!.push(await load(t.name, t.url, slice));
        await drained(t.port);
      }
    }
    const summary = (name: string, xs: LoadResult[]): LoadResult => ({
      name,
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p99: median(xs.map((x) => x.p99)),
      non2xx: xs.reduce((n, x) => n + x.non2xx, 0),
      errors: xs.reduce((n, x) => n + x.errors, 0),
      total: xs.reduce((n, x) => n + x.total, 0),
    });
    return {
      bare: { ...summary('bare node:http (parse only)', bareRuns), peakRssMiB: peakRssMiB(bare.child.pid!) },
      targets: targets.map((t, i) => ({
        ...summary(t.name, runs[i]!),
        peakRssMiB: peakRssMiB(t.child.pid!),
        ratios: runs[i]!.map((x, r) => x.rps / bareRuns[r]!.rps),
      })),
    };
  } finally {
    await Promise.all(children.map(stopChild));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
