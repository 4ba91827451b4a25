import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { commandFor, SERVICE_BIN } from './ingest.ts';

export interface BenchService { child: ChildProcess; base: string }

/** Starts the service on a SQLite file (its stdout dropped) and waits for its IPC ready message. */
export async function spawnBench(path: string, env: NodeJS.ProcessEnv): Promise<BenchService> {
  const [file, args] = commandFor([SERVICE_BIN, 'serve']);
  const child = spawn(file, args, { env: { ...process.env, PORT: '0', DATABASE_URL: `sqlite:${path}`, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)));
  });
  child.channel?.unref();
  return { child, base: `http://127.0.0.1:${port}` };
}

export async function stopBench(s: BenchService): Promise<void> {
  if (s.child.exitCode !== null) return;
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
}

/** Milliseconds one CLI command takes against a store. */
export function timeCli(path: string, args: string[]): number {
  const [file, rest] = commandFor([SERVICE_BIN, ...args]);
  const t0 = performance.now();
  const r = spawnSync(file, rest, { env: { ...process.env, DATABASE_URL: `sqlite:${path}` }, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return performance.now() - t0;
}
