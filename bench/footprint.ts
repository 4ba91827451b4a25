// Start-up time, CLI time and idle memory of the service, each beside a bare baseline measured
// in the same run, interleaved (baseline, service, baseline, service ...) so that noise on this
// shared machine lands on both sides. Medians over `runs`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BARE_SERVER, BASE_BIN, SERVICE_BIN, benchEnv, commandFor, rssMiB } from './ingest.ts';
import { SCRATCH } from '../test/helpers/hermetic.ts';
import { TEAMS_SDKS } from '../src/platforms/teams/env.ts';

export interface Pair {
  name: string;
  base: string;
  unit: string;
  baseline: number;
  value: number;
  /** The most the ratio may be; none for a figure shown for comparison only. */
  target?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** A server the bench started: when it first answered, its RSS then + 2 s, and how to stop it. */
interface Started {
  readyMs: number;
  earlyRssMiB: number;
  readyAt: number;
  child: ChildProcess;
}

/**
 * Spawns a server and polls it until it answers any HTTP request: ms from exec to the first
 * answer. Then reads its RSS 2 s later and leaves it running (the caller reads its idle RSS
 * and stops it with `stop`).
 */
async function startOnce(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(...commandFor(args), {
    env: benchEnv({ ...env, PORT: String(port) }),
    cwd: SCRATCH,
    stdio: 'ignore',
  });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not answer within 60 s`);
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      try {
        await fetch(`http://127.0.0.1:${port}/healthz`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const readyAt = performance.now();
    await new Promise((r) => setTimeout(r, EARLY_MS));
    return { readyMs: readyAt - t0, readyAt, earlyRssMiB: rssMiB(child.pid!), child };
  } catch (e) {
    await stop(child);
    throw e;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
}

/**
 * When a server's RSS counts as idle, in ms after its first answer. V8 keeps the young
 * generation that start-up grew (up to `--max-semi-space-size`) until its memory reducer runs,
 * about 8 s after a full collection once allocation has stopped, which came 15-25 s after
 * start-up here. A reading before that measures start-up's garbage, not the idle service.
 */
const IDLE_MS = 30_000;
/** The earlier reading, printed beside the idle one without a target. */
const EARLY_MS = 2_000;

function timeCommand(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(...commandFor(args), { env: benchEnv(env), cwd: SCRATCH, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return performance.now() - t0;
}

interface Reading {
  readyMs: number;
  earlyRssMiB: number;
  idleRssMiB: number;
}
interface Server {
  key: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * One round: each server started in turn (the next once the previous has answered and its
 * 2 s reading is taken, so no two start-ups share the CPU), all left running until each is
 * IDLE_MS past its first answer, then their idle RSS read and all stopped.
 */
async function round(servers: Server[]): Promise<Map<string, Reading>> {
  const started: Array<{ key: string; s: Started }> = [];
  try {
    for (const { key, args, env } of servers) started.push({ key, s: await startOnce(args, env) });
    const out = new Map<string, Reading>();
    for (const { key, s } of started) {
      const wait = s.readyAt + IDLE_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      out.set(key, { readyMs: s.readyMs, earlyRssMiB: s.earlyRssMiB, idleRssMiB: rssMiB(s.child.pid!) });
    }
    return out;
  } finally {
    await Promise.all(started.map(({ s }) => stop(s.child)));
  }
}

/** The servers of run `i`: the bare baseline, the service, and the service with the Teams bot on each SDK. */
function servers(dir: string, i: number): Server[] {
  const env = { LOG_LEVEL: 'warn', VCC_NOTIFY_CONFIG: join(dir, 'vcc-notify.yaml'), VCC_WEBHOOK_SECRET: '' };
  const teams = { ...env, VCC_NOTIFY_CONFIG: join(dir, 'teams.yaml'), TEAMS_BOT_NO_AUTH: 'true' };
  return [
    { key: 'bare', args: [BARE_SERVER], env: {} },
    {
      key: 'service',
      args: [SERVICE_BIN, 'serve'],
      env: { ...env, DATABASE_URL: `sqlite:${join(dir, `run${i}.db`)}` },
    },
    // BENCH_BASE_BIN: the other build in the same rounds, as the service (before/after from one run).
    ...(BASE_BIN
      ? [
          {
            key: 'base',
            args: [BASE_BIN, 'serve'],
            env: { ...env, DATABASE_URL: `sqlite:${join(dir, `base${i}.db`)}` },
          },
        ]
      : []),
    ...TEAMS_SDKS.map((sdk) => ({
      key: sdk,
      args: [SERVICE_BIN, 'serve'],
      env: { ...teams, TEAMS_SDK: sdk, DATABASE_URL: `sqlite:${join(dir, `run${i}-${sdk}.db`)}` },
    })),
  ];
}

/** Start-up, CLI and memory figures of the service beside their baselines. */
export async function benchFootprint(runs = 5): Promise<Pair[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-footprint-'));
  try {
    // The built-in config's equivalent (every event to the console), no Teams bot, a new SQLite file each run.
    writeFileSync(
      join(dir, 'vcc-notify.yaml'),
      'channels: { console: { type: console } }\nroutes: [{ channel: console }]\n',
    );
    // The same with the Teams bot on each SDK (TEAMS_SDK), a teams channel routed.
    writeFileSync(
      join(dir, 'teams.yaml'),
      'channels: { room: { type: teams, conversation: "19:bench@thread.tacv2" } }\nroutes: [{ channel: room }]\n',
    );
    // check-config on the commented example, with the variables it names set.
    const cliEnv = {
      LOG_LEVEL: 'warn',
      VCC_NOTIFY_CONFIG: resolve('vcc-notify.example.yaml'),
      SLACK_IT_WEBHOOK_URL: 'https://hooks.slack.invalid/x',
      TEAMS_HR_WORKFLOW_URL: 'https://flow.invalid/x',
    };
    const readings: Array<Map<string, Reading>> = [];
    const nodeE: number[] = [];
    const check: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      readings.push(await round(servers(dir, i)));
      nodeE.push(timeCommand(['-e', '0'], {}));
      check.push(timeCommand([SERVICE_BIN, 'check-config'], cliEnv));
    }
    const of = (key: string, field: keyof Reading) => median(readings.map((r) => r.get(key)![field]));
    const vsBare = (name: string, key: string, field: keyof Reading, target?: number): Pair => ({
      name,
      base: 'bare node:http',
      unit: field === 'readyMs' ? 'ms' : 'MiB',
      baseline: of('bare', field),
      value: of(key, field),
      target,
    });
    return [
      vsBare('ready: exec to first HTTP answer', 'service', 'readyMs', 5),
      {
        name: 'vcc-notify check-config',
        base: 'node -e 0',
        unit: 'ms',
        baseline: median(nodeE),
        value: median(check),
        target: 4,
      },
      vsBare('RSS 2 s after start-up', 'service', 'earlyRssMiB'),
      vsBare('idle RSS (30 s after start-up)', 'service', 'idleRssMiB', 2.5),
      ...(BASE_BIN
        ? [
            vsBare('ready, BENCH_BASE_BIN', 'base', 'readyMs', 5),
            vsBare('idle RSS, BENCH_BASE_BIN', 'base', 'idleRssMiB', 2.5),
          ]
        : []),
      ...TEAMS_SDKS.flatMap((sdk): Pair[] => [
        vsBare(`ready, Teams bot on ${sdk}`, sdk, 'readyMs', 5),
        vsBare(`RSS 2 s, Teams bot on ${sdk}`, sdk, 'earlyRssMiB'),
        vsBare(`idle RSS, Teams bot on ${sdk}`, sdk, 'idleRssMiB', 2.5),
      ]),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per figure: baseline, service, ratio, target, and whether it holds. */
export function printPairs(pairs: Pair[]): void {
  console.log(
    'figure'.padEnd(36),
    'baseline'.padEnd(16),
    'base'.padStart(9),
    'service'.padStart(9),
    'ratio'.padStart(7),
    'target'.padStart(8),
    '',
  );
  for (const p of pairs) {
    const ratio = p.value / p.baseline;
    console.log(
      p.name.padEnd(36),
      p.base.padEnd(16),
      `${p.baseline.toFixed(0)} ${p.unit}`.padStart(9),
      `${p.value.toFixed(0)} ${p.unit}`.padStart(9),
      `${ratio.toFixed(2)}x`.padStart(7),
      (p.target === undefined ? '-' : `<=${p.target}x`).padStart(8),
      p.target === undefined ? '' : ratio <= p.target ? ' holds' : ' MISSED',
    );
  }
}
