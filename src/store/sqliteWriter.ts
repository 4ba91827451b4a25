import type Database from 'better-sqlite3';
import type { IngestResult, PlannedDelivery } from './Store.ts';
import type { eventColumns } from './rows.ts';
import { statementCache } from './sqliteConnection.ts';
import { storeParams } from './columnValues.ts';
import { stepParams, stepSql, UNCHANGED, unmet, type TxResult, type TxStep } from './TxStep.ts';
import { atNamed } from './eventSearch.ts';

/** One SQL statement of a write, as plain data (writes cross a thread boundary). */
export interface Step {
  sql: string;
  params?: unknown[] | Record<string, unknown>;
  /** run: `{ changes, lastInsertRowid }`; get: the row or null; all: the rows. */
  mode: 'run' | 'get' | 'all';
}

export type WriteOp =
  | { kind: 'ingest'; cols: ReturnType<typeof eventColumns>; planned: readonly PlannedDelivery[] }
  | { kind: 'steps'; steps: readonly Step[] }
  | { kind: 'tx'; steps: readonly TxStep[] };

export type WriteResult = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/**
 * Executes write batches on one SQLite connection: a batch is one transaction (one fsync
 * with `synchronous=FULL`); each op runs in its own savepoint, so one failing op fails alone.
 * When the transaction itself cannot begin or commit, every op of the batch fails.
 */
export class SqliteWriter {
  private readonly prep: (sql: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.prep = statementCache(db);
  }

  runBatch(ops: readonly WriteOp[]): WriteResult[] {
    const results: WriteResult[] = [];
    try {
      this.db
        .transaction(() => {
          for (const op of ops) {
            this.prep('SAVEPOINT op').run();
            try {
              results.push({
                ok: true,
                value:
                  op.kind === 'ingest'
                    ? this.ingest(op.cols, op.planned)
                    : op.kind === 'tx'
                      ? this.tx(op.steps)
                      : op.steps.map((s) => this.step(s)),
              });
              this.prep('RELEASE op').run();
            } catch (e) {
              this.prep('ROLLBACK TO op').run();
              this.prep('RELEASE op').run();
              results.push(failure(e));
            }
          }
        })
        .immediate();
      return results;
    } catch (e) {
      const f = failure(e);
      return ops.map(() => f);
    }
  }

  private step(s: Step): unknown {
    const stmt = this.prep(s.sql);
    const args = s.params === undefined ? [] : [storeParams(s.params)];
    if (s.mode === 'get') return stmt.get(...args) ?? null;
    if (s.mode === 'all') return stmt.all(...args);
    const r = stmt.run(...args);
    return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
  }

  /** A transaction's steps (see TxStep); throws UNCHANGED when a `needs` step found nothing. */
  private tx(steps: readonly TxStep[]): TxResult {
    const done: TxResult = [];
    for (const s of steps) {
      const stmt = this.prep(atNamed(stepSql(s, 'sqlite')));
      const params = storeParams(stepParams(s, done));
      const r = s.returns === 'rows' ? (stmt.all(params) as Record<string, unknown>[]) : stmt.run(params).changes;
      if (unmet(s, r)) throw Object.assign(new Error('a needed step changed nothing'), { code: UNCHANGED });
      done.push(r);
    }
    return done;
  }

  private ingest(cols: ReturnType<typeof eventColumns>, planned: readonly PlannedDelivery[]): IngestResult {
    const inserted = this.prep(
      `INSERT INTO events (dedup_key, received_at, vcc_timestamp, user_id, kinds, payload, username_lc, email_lc, name_lc)
       VALUES (@dedup_key, @received_at, @vcc_timestamp, @user_id, @kinds, @payload, @username_lc, @email_lc, @name_lc)
       ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
    ).get(cols) as { id: number } | undefined;
    if (!inserted) {
      const existing = this.prep('SELECT id FROM events WHERE dedup_key = ?').get(cols.dedup_key) as { id: number };
      return { status: 'duplicate', eventId: existing.id };
    }
    const add = this.prep(
      `INSERT INTO deliveries (event_id, channel, kinds, show, mention, status, attempts, next_attempt_at, created_at, updated_at, hours, review)
       VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)`,
    );
    for (const p of planned) {
      add.run(
        inserted.id,
        p.channel,
        JSON.stringify(p.kinds),
        JSON.stringify(p.show),
        JSON.stringify(p.mention ?? []),
        cols.received_at,
        cols.received_at,
        cols.received_at,
        p.hours ? JSON.stringify(p.hours) : null,
        p.review ? 1 : 0,
      );
    }
    return { status: 'accepted', eventId: inserted.id, deliveries: planned.length };
  }
}

function failure(e: unknown): WriteResult {
  const code = e instanceof TypeError ? 'TypeError' : String((e as { code?: string }).code ?? 'SQLITE_ERROR');
  return { ok: false, code, message: (e as Error).message };
}
