import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { StoreRefusedError, StoreUnavailableError } from './Store.ts';
import { MIGRATIONS } from './migrations/allMigrations.ts';
import { openConnection } from './sqliteConnection.ts';
import { SqliteWriter, type Step, type WriteOp, type WriteResult } from './sqliteWriter.ts';
import { UNCHANGED, type TxResult, type TxStep } from './TxStep.ts';

type Db = Database.Database;

/**
 * The writer thread's entry: the compiled module in dist/, or, when this file runs from
 * source (tests and the bench, through tsx), a shim that registers tsx in the thread first.
 */
const WRITER_ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('./sqliteWriterThread.dev.mjs', import.meta.url)
  : new URL('../store/sqliteWriterThread.js', import.meta.url); // from dist/store/ or dist/chunks/

interface Job {
  op: WriteOp;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface SqliteOptions {
  /** How long a write waits for a lock held by another process (ms). */
  busyTimeoutMs?: number;
  /** Set by the service (not the CLI): it is the only deliverer on this file. */
  ownsLeases?: boolean;
  /** Commit in a writer thread (default, for files) or on this thread (`:memory:`, or false). */
  writerThread?: boolean;
}

/**
 * Group commit for the SQLite store: the writes queued while one batch commits form the next
 * batch (one transaction, one fsync; each write in its own savepoint, so one failing write
 * fails alone), and a write's promise resolves only after its commit. Batches commit in a
 * writer thread, so inserts and fsync do not hold up request handling.
 */
export class SqliteWrites {
  private queue: Job[] = [];
  /** Batches sent to the writer thread, oldest first (it answers them in order). */
  private inFlight: Job[][] = [];
  private scheduled = false;
  closed = false;
  private broken: string | null = null;
  private drained: (() => void) | null = null;
  private readonly local: SqliteWriter | null;

  private constructor(
    private readonly db: Db,
    private readonly thread: Worker | null,
  ) {
    this.local = thread ? null : new SqliteWriter(db);
    thread?.on('message', (results: WriteResult[]) => this.settle(results));
    const fail = (why: string) => {
      this.broken = why;
      const lost = [...this.inFlight.flat(), ...this.queue];
      this.inFlight = [];
      this.queue = [];
      for (const job of lost) job.reject(new StoreUnavailableError(`SQLite writer stopped: ${why}`));
      this.drained?.();
    };
    thread?.on('error', (e) => fail(e.message));
    thread?.on('exit', (code) => {
      if (!this.closed) fail(`exit ${code}`);
    });
  }

  /**
   * Opens the file (creating file and folder), migrates, starts the writer; returns this
   * thread's connection (for reads: WAL lets them run beside the writer) and the writes.
   * Throws StoreUnavailableError.
   */
  static async open(path: string, opts: SqliteOptions = {}): Promise<{ db: Db; writes: SqliteWrites }> {
    let db: Db;
    try {
      db = openConnection(path, opts);
      migrate(db);
      // One service per SQLite file: leases a killed service left behind are void when it starts.
      if (opts.ownsLeases) db.prepare('UPDATE channel_leases SET lease_until = 0').run();
    } catch (e) {
      throw unavailable(e, `cannot open SQLite store at ${path}`);
    }
    if (path === ':memory:' || opts.writerThread === false) return { db, writes: new SqliteWrites(db, null) };
    const thread = new Worker(WRITER_ENTRY, { workerData: { path, busyTimeoutMs: opts.busyTimeoutMs } });
    try {
      await new Promise<void>((resolve, reject) => {
        thread.once('message', () => resolve());
        thread.once('error', reject);
      });
    } catch (e) {
      db.close();
      throw unavailable(e, `cannot start the SQLite writer for ${path}`);
    }
    return { db, writes: new SqliteWrites(db, thread) };
  }

  submit<T>(op: WriteOp): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('store is closed'));
    if (this.broken) return Promise.reject(new StoreUnavailableError(`SQLite writer stopped: ${this.broken}`));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled && (this.thread || this.inFlight.length === 0)) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs a transaction's steps (see TxStep): each step's result, or null when a `needs` step found nothing. */
  transaction(steps: readonly TxStep[]): Promise<TxResult | null> {
    return this.submit<TxResult>({ kind: 'tx', steps }).catch((e: unknown) => {
      if ((e as Error).message === `write failed: ${UNCHANGED}`) return null;
      throw e;
    });
  }

  /** Runs the statements of one write; resolves with each statement's result. */
  steps(...steps: Step[]): Promise<unknown[]> {
    return this.submit<unknown[]>({ kind: 'steps', steps });
  }

  /**
   * Sends the queued writes as one batch. With a writer thread, a new batch is sent while
   * earlier ones are still committing (the thread joins all batches waiting for it into its
   * next commit and answers them in order); without one, the batch commits here.
   */
  private flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0 || (!this.thread && this.inFlight.length > 0)) return;
    const batch = this.queue;
    this.queue = [];
    this.inFlight.push(batch);
    const ops = batch.map((j) => j.op);
    if (this.thread) this.thread.postMessage(ops);
    else this.settle(this.local!.runBatch(ops));
  }

  private settle(results: WriteResult[]): void {
    const batch = this.inFlight.shift() ?? [];
    batch.forEach((job, i) => {
      const r = results[i]!;
      if (r.ok) job.resolve(r.value);
      else
        job.reject(new (sqliteRefused(r.code) ? StoreRefusedError : StoreUnavailableError)(`write failed: ${r.code}`));
    });
    if (this.queue.length > 0 && !this.thread && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (this.queue.length === 0 && this.inFlight.length === 0) this.drained?.();
  }

  /** Waits for queued writes to commit, then stops the writer and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.inFlight.length > 0 || this.queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        this.flush();
      });
    }
    this.closed = true;
    await this.thread?.terminate();
    this.db.close();
  }
}

function migrate(db: Db): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  // Every pending migration in one transaction: a new store is one commit (one fsync), not one per migration.
  const pending = MIGRATIONS.filter((m) => !done.has(m.version));
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sqlite);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    }
  }).immediate();
}

export function unavailable(e: unknown, what: string): StoreUnavailableError {
  if (e instanceof StoreUnavailableError) return e;
  const code = (e as { code?: string }).code;
  return new StoreUnavailableError(`${what}: ${code ?? (e as Error).message}`, { cause: e });
}

/**
 * Whether SQLite refused a write for what it holds (a constraint, including a trigger's
 * RAISE(ABORT), a type mismatch, a value too big, or a value the store's boundary refused),
 * not for a busy lock or a failing disk.
 */
function sqliteRefused(code: string): boolean {
  return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code) || code === 'TypeError';
}
