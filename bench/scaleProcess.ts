import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/store/sqlite.ts';
import { INDEX_SQL, atNamed, searchKey } from '../src/store/eventSearch.ts';
import { vccFixture } from '../test/helpers/fixtures.ts';
import { benchEnv, commandFor, distinctEventLoad, SERVICE_BIN } from './ingest.ts';
import { SCRATCH } from '../test/helpers/hermetic.ts';

const DAY = 86_400_000;

export interface BenchService {
  child: ChildProcess;
  base: string;
}

/** Starts the service (`bin`: another build) on a SQLite file (its stdout dropped) and waits for its IPC ready message. */
export async function spawnBench(path: string, env: NodeJS.ProcessEnv, bin = SERVICE_BIN): Promise<BenchService> {
  const [file, args] = commandFor([bin, 'serve']);
  const child = spawn(file, args, {
    env: benchEnv({ PORT: '0', DATABASE_URL: `sqlite:${path}`, LOG_LEVEL: 'warn', ...env }),
    cwd: SCRATCH,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
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
  const r = spawnSync(file, rest, { env: benchEnv({ DATABASE_URL: `sqlite:${path}` }), cwd: SCRATCH, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return performance.now() - t0;
}

/**
 * Writes `n` events with one sent delivery each straight into a migrated store; `oldShare` of
 * them 200 days old. Their search keys are written too, as the indexer keeps up in a running
 * store (left to the service, a million-event backlog would load its first minutes).
 */
export async function seed(path: string, n: number, oldShare: number): Promise<void> {
  await (await SqliteStore.open(path, { writerThread: false })).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const sample = vccFixture('user-created');
  const now = Date.now();
  const ev =
    db.prepare(`INSERT INTO events (id, dedup_key, received_at, vcc_timestamp, user_id, kinds, payload, username_lc, email_lc, name_lc)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const dl =
    db.prepare(`INSERT INTO deliveries (event_id, channel, kinds, show, status, attempts, next_attempt_at, last_error, created_at, updated_at)
                         VALUES (?, 'console', '["user.created"]', '[]', 'sent', 1, ?, NULL, ?, ?)`);
  const changes = [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }];
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const at = i < n * oldShare ? now - 200 * DAY + i : now - 60_000 + (i % 60_000);
      const user = { ...sample.new, userId: String(i), username: `agent_${i}`, name: `Agent ${i}` };
      ev.run(
        i + 1,
        `seed-${i}`,
        at,
        null,
        String(i),
        '["user.created"]',
        JSON.stringify({ old: null, new: user, changes }),
        searchKey(user.username),
        searchKey(user.email),
        searchKey(user.name),
      );
      dl.run(i + 1, at, at, at);
    }
  });
  for (let i = 0; i < n; i += 50_000) batch(i, Math.min(n, i + 50_000));
  const index = { limit: n, before: Number.MAX_SAFE_INTEGER };
  db.transaction(() => {
    db.prepare(atNamed(INDEX_SQL.keys)).run(index);
    db.prepare(atNamed(INDEX_SQL.progress)).run(index);
  })();
  db.close();
  // Seeded without syncs: flush the file now, so the kernel's writeback of it does not land
  // on the measurements that follow.
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Events sent so far: every request of every call is a distinct event (never a duplicate). */
let seq = 10_000_000;

/** Ingest req/s against a running service (50 connections, a distinct event per request). */
export async function ingestRate(base: string, secret: string, seconds = 5): Promise<number> {
  const url = `${base}/webhooks/vcc/users?secret-key=${secret}`;
  const r = await distinctEventLoad(
    url,
    seconds,
    () => ++seq,
    (n) => new Date(n).toISOString(),
  );
  return r.requests.average;
}
