import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { createdBody } from './fixtures.ts';
import { childEnv, SCRATCH } from './hermetic.ts';

/** The real `vcc-notify` command (compiled dist/, built by `npm test`'s pretest). */
export const BIN = fileURLToPath(new URL('../../bin/vcc-notify.js', import.meta.url));

/** Generous: a busy 2-core machine can take many seconds to start a process. */
export const START_DEADLINE_MS = 120_000;

const running = new Set<ChildProcess>();
// Whatever happens to the test worker, no service it started outlives it.
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves with the port once the service says it is listening (an IPC message, not a log line). */
  port: Promise<number>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Starts `vcc-notify serve` as a child process with an IPC channel, on an ephemeral port, with
 * exactly the environment `childEnv` builds from `env` (nothing of the shell's) in a scratch cwd.
 * Readiness is the `{ ready, port }` message the service sends once listening, waited for up
 * to START_DEADLINE_MS; an exit before that rejects at once with the output. The process is
 * killed (SIGKILL) when the test ends, whether it passed or failed, unless it exited already.
 */
export function spawnService(t: ExecutionContext, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: childEnv({ PORT: '0', ...env }),
    cwd: SCRATCH,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = once(child, 'exit').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });
  t.teardown(async () => {
    if (alive(child)) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`vcc-notify serve did not start within ${START_DEADLINE_MS} ms:\n${out}`)),
      START_DEADLINE_MS,
    );
    child.on('message', (m: { ready?: boolean; port?: number }) => {
      if (m.ready && typeof m.port === 'number') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`vcc-notify serve exited (${code}) before it was ready:\n${out}`));
    });
  });
  port.catch(() => {});
  return { child, port, output: () => out, exited };
}

/** Sends `signal` (if the process still runs) and waits for the exit code. */
export async function stopService(p: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (alive(p.child)) p.child.kill(signal);
  return p.exited;
}

/** Runs one CLI command to its end (killed after START_DEADLINE_MS), hermetic like spawnService; never rejects. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  cwd = SCRATCH,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: childEnv({ LOG_LEVEL: 'silent', ...env }),
        cwd,
        timeout: START_DEADLINE_MS,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        resolve({
          code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

/**
 * `n` loops posting distinct "User Created" events to a running service until `stop()`;
 * `acked` collects the event id of every 200. A loop ends quietly when the service is gone
 * (killed on purpose by the test).
 */
export function ackingSenders(port: number, secret: string, n: number): { acked: number[]; stop: () => Promise<void> } {
  const acked: number[] = [];
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/webhooks/vcc/users?secret-key=${secret}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(createdBody()),
        });
        if (res.status === 200) acked.push(((await res.json()) as { event: number }).event);
      } catch {
        return;
      }
    }
  };
  const loops = Array.from({ length: n }, loop);
  return {
    acked,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
