import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const SECRET = 'bench-secret';
const sample = JSON.parse(readFileSync(new URL('../../shared/fixtures/vcc/user-created.json', import.meta.url), 'utf8'));

export interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

/** Starts a child process and resolves with the port it reports on stdout. */
async function startChild(args: string[], env: NodeJS.ProcessEnv, portOf: (line: string) => number | undefined): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start`)), 20_000);
    child.stdout!.on('data', (d) => {
      buf += d;
      const port = buf.split('\n').map(portOf).find((p) => p !== undefined);
      if (port !== undefined) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ child, port });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

const portFrom = (re: RegExp) => (line: string) => {
  const m = re.exec(line);
  return m ? Number(m[1]) : undefined;
};

let seq = 0;
/** Loads `url` with 50 connections for `seconds`, each request a distinct "User Created" event. */
async function load(name: string, url: string, seconds: number): Promise<LoadResult> {
  const r = await autocannon({
    url,
    connections: 50,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{
      setupRequest: (req) => {
        seq += 1;
        return { ...req, body: JSON.stringify({ ...sample, timestamp: new Date(1_700_000_000_000 + seq * 1000).toISOString(), new: { ...sample.new, userId: seq } }) };
      },
    }],
  });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total };
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Bare node:http vs the real service (SQLite, fsync before 200), loaded one after the other. */
export async function benchIngest(seconds: number, extra: Array<{ name: string; env: NodeJS.ProcessEnv }> = []): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  const bare = await startChild(['--import', 'tsx', 'bench/bareServer.ts'], {}, portFrom(/"port":(\d+)/));
  try {
    await load('warm-up', `http://127.0.0.1:${bare.port}/`, 1);
    results.push(await load('bare node:http (parse only)', `http://127.0.0.1:${bare.port}/`, seconds));
  } finally {
    await stopChild(bare.child);
  }
  const targets = [{ name: 'vcc-notify, SQLite (fsync before 200)', env: {} as NodeJS.ProcessEnv }, ...extra];
  for (const target of targets) {
    const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-'));
    const svc = await startChild(['bin/vcc-notify.js', 'serve'], {
      PORT: '0', VCC_WEBHOOK_SECRET: SECRET, DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, LOG_LEVEL: 'info', ...target.env,
    }, portFrom(/"port":(\d+),"store"/));
    try {
      const url = `http://127.0.0.1:${svc.port}/webhooks/vcc/users?secret-key=${SECRET}`;
      await load('warm-up', url, 1);
      results.push(await load(target.name, url, seconds));
    } finally {
      await stopChild(svc.child);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
