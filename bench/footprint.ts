// Start-up time, CLI time and idle memory of the service, each beside a bare baseline measured
// in the same run, interleaved (baseline, service, baseline, service ...) so that noise on this
// shared machine lands on both sides. Medians over `runs`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BARE_SERVER, SERVICE_BIN, benchEnv, commandFor, rssMiB } from './ingest.ts';
import { SCRATCH } from '../test/helpers/hermetic.ts';
import { TEAMS_SDKS } from '../src/platforms/teams/env.ts';

export interface Pair {
  name: string;
  base: string;
  unit: string;
  baseline: number;
  value: number;
  target: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Spawns a server and polls it until it answers any HTTP request: ms from exec to the first
 * answer. Then waits `settleMs` and reads its idle RSS, and stops it.
 */
async function startOnce(
  args: string[],
  env: NodeJS.ProcessEnv,
  settleMs: number,
): Promise<{ readyMs: number; idleRssMiB: number }> {
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
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, settleMs));
    return { readyMs, idleRssMiB: rssMiB(child.pid!) };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  }
}

function timeCommand(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(...commandFor(args), { env: benchEnv(env), cwd: SCRATCH, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return performance.now() - t0;
}

/** Start-up, CLI and idle-memory figures of the service beside their baselines. */
export async function benchFootprint(runs = 5, settleMs = 2_000): Promise<Pair[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-footprint-'));
  try {
    const bare: Array<{ readyMs: number; idleRssMiB: number }> = [];
    const svc: Array<{ readyMs: number; idleRssMiB: number }> = [];
    // The same with the Teams bot on each SDK (TEAMS_SDK), a teams channel routed: the SDK loads at start.
    const teams = Object.fromEntries(TEAMS_SDKS.map((sdk) => [sdk, [] as typeof svc]));
    const teamsConfig = join(dir, 'teams.yaml');
    writeFileSync(
      teamsConfig,
      'channels: { room: { type: teams, conversation: "19:bench@thread.tacv2" } }\nroutes: [{ channel: room }]\n',
    );
    const nodeE: number[] = [];
    const check: number[] = [];
    // The built-in config's equivalent (every event to the console), no Teams bot, a new SQLite file each run.
    const config = join(dir, 'vcc-notify.yaml');
    writeFileSync(config, 'channels: { console: { type: console } }\nroutes: [{ channel: console }]\n');
    const env = { LOG_LEVEL: 'warn', VCC_NOTIFY_CONFIG: config, VCC_WEBHOOK_SECRET: '' };
    // check-config on the commented example, with the variables it names set.
    const cliEnv = {
      ...env,
      VCC_NOTIFY_CONFIG: resolve('vcc-notify.example.yaml'),
      SLACK_IT_WEBHOOK_URL: 'https://hooks.slack.invalid/x',
      TEAMS_HR_WORKFLOW_URL: 'https://flow.invalid/x',
    };
    for (let i = 0; i < runs; i += 1) {
      bare.push(await startOnce([BARE_SERVER], {}, settleMs));
      svc.push(
        await startOnce(
          [SERVICE_BIN, 'serve'],
          { ...env, DATABASE_URL: `sqlite:${join(dir, `run${i}.db`)}` },
          settleMs,
        ),
      );
      for (const sdk of TEAMS_SDKS) {
        const teamsEnv = { ...env, VCC_NOTIFY_CONFIG: teamsConfig, TEAMS_BOT_NO_AUTH: 'true', TEAMS_SDK: sdk };
        const db = `sqlite:${join(dir, `run${i}-${sdk}.db`)}`;
        teams[sdk]!.push(await startOnce([SERVICE_BIN, 'serve'], { ...teamsEnv, DATABASE_URL: db }, settleMs));
      }
      nodeE.push(timeCommand(['-e', '0'], {}));
      check.push(timeCommand([SERVICE_BIN, 'check-config'], cliEnv));
    }
    return [
      {
        name: 'ready: exec to first HTTP answer',
        base: 'bare node:http',
        unit: 'ms',
        baseline: median(bare.map((x) => x.readyMs)),
        value: median(svc.map((x) => x.readyMs)),
        target: 5,
      },
      {
        name: 'vcc-notify check-config',
        base: 'node -e 0',
        unit: 'ms',
        baseline: median(nodeE),
        value: median(check),
        target: 4,
      },
      {
        name: 'idle RSS after start-up',
        base: 'bare node:http',
        unit: 'MiB',
        baseline: median(bare.map((x) => x.idleRssMiB)),
        value: median(svc.map((x) => x.idleRssMiB)),
        target: 2.5,
      },
      ...TEAMS_SDKS.flatMap((sdk): Pair[] => [
        {
          name: `ready, Teams bot on ${sdk}`,
          base: 'bare node:http',
          unit: 'ms',
          baseline: median(bare.map((x) => x.readyMs)),
          value: median(teams[sdk]!.map((x) => x.readyMs)),
          target: 5,
        },
        {
          name: `idle RSS, Teams bot on ${sdk}`,
          base: 'bare node:http',
          unit: 'MiB',
          baseline: median(bare.map((x) => x.idleRssMiB)),
          value: median(teams[sdk]!.map((x) => x.idleRssMiB)),
          target: 2.5,
        },
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
      `<=${p.target}x`.padStart(8),
      ratio <= p.target ? ' holds' : ' MISSED',
    );
  }
}
