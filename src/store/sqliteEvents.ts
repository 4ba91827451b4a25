import type Database from 'better-sqlite3';
import {
  StoreUnavailableError,
  type Delivery,
  type DeliveryStatus,
  type DueItems,
  type IngestResult,
  type NewEvent,
  type PlannedDelivery,
  type Refusal,
  type SentInThread,
  type StoredEvent,
  type StoredRefusal,
} from './Store.ts';
import { REFUSALS_KEPT } from './rows.ts';
import { statementCache } from './sqliteConnection.ts';
import { SqliteWrites, unavailable } from './sqliteWrites.ts';
import {
  deliveriesFilter,
  eventColumns,
  toDelivery,
  toEvent,
  toRefusal,
  type DeliveryRow,
  type EventRow,
  type RefusalRow,
  byEvent,
  DUE_PENDING_SQL,
  toDueItems,
  type DueRow,
} from './rows.ts';
import { atNamed, type EventPage, type EventSearch } from './eventSearch.ts';
import { sqliteIndexSearch, sqliteSearchEvents } from './sqliteSearch.ts';
import { sentInThreadSteps } from './threadSql.ts';
import { stepWrites } from './writeSteps.ts';
import type { TxResult, TxStep } from './TxStep.ts';

/**
 * Events, deliveries and refusals in SQLite (the EventStore part of SqliteStore, sqlite.ts).
 * Writes go through the writer thread (sqliteWrites.ts); reads use this thread's connection.
 */
export class SqliteEventStore {
  /** Statements for reads on this thread (writes are prepared by the writer). */
  protected readonly prep: (sql: string) => Database.Statement;

  protected constructor(
    db: Database.Database,
    protected readonly writes: SqliteWrites,
  ) {
    this.prep = statementCache(db);
  }

  /** See Transactions. */
  transaction(steps: readonly TxStep[]): Promise<TxResult | null> {
    return this.writes.transaction(steps);
  }

  /** The rows of a read in the dialects' shared `$name` form. */
  protected rows<R>(sql: string, params: Record<string, unknown>): Promise<R[]> {
    return this.read(() => this.prep(atNamed(sql)).all(params) as R[]);
  }

  protected read<T>(run: () => T): Promise<T> {
    if (this.writes.closed) return Promise.reject(new StoreUnavailableError('store is closed'));
    try {
      return Promise.resolve(run());
    } catch (e) {
      return Promise.reject(unavailable(e, 'read failed'));
    }
  }

  ingest(ev: NewEvent, planned: readonly PlannedDelivery[]): Promise<IngestResult> {
    return this.writes.submit({ kind: 'ingest', cols: eventColumns(ev), planned });
  }

  async recordRefusal(r: Refusal): Promise<void> {
    await this.writes.steps(
      {
        sql: `INSERT INTO refusals (received_at, method, status, code, message, path, body, content_type, remote_addr)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [r.receivedAt, r.method, r.status, r.code, r.message, r.path, r.body, r.contentType, r.remoteAddr],
        mode: 'run',
      },
      {
        sql: 'DELETE FROM refusals WHERE id <= (SELECT MAX(id) FROM refusals) - ?',
        params: [REFUSALS_KEPT],
        mode: 'run',
      },
    );
  }

  getEvent(id: number): Promise<StoredEvent | null> {
    return this.read(() => {
      const row = this.prep('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
      return row ? toEvent(row) : null;
    });
  }

  listEvents(opts: { limit: number; beforeId?: number }): Promise<StoredEvent[]> {
    return this.read(() =>
      (
        this.prep('SELECT * FROM events WHERE id < ? ORDER BY id DESC LIMIT ?').all(
          opts.beforeId ?? Number.MAX_SAFE_INTEGER,
          opts.limit,
        ) as EventRow[]
      ).map(toEvent),
    );
  }

  searchEvents(f: EventSearch): Promise<EventPage<StoredEvent>> {
    return this.read(() => sqliteSearchEvents(this.prep, f));
  }

  indexSearch(before: number): Promise<number> {
    return sqliteIndexSearch(this.writes, before);
  }

  listDeliveries(opts: {
    eventId?: number;
    status?: DeliveryStatus;
    channel?: string;
    beforeId?: number;
    limit: number;
  }): Promise<Delivery[]> {
    const { where, values } = deliveriesFilter(opts, () => '?');
    return this.read(() =>
      (
        this.prep(`SELECT * FROM deliveries ${where} ORDER BY id DESC LIMIT ?`).all(
          ...values,
          opts.limit,
        ) as DeliveryRow[]
      ).map(toDelivery),
    );
  }

  deliveriesOf(eventIds: readonly number[]): Promise<Map<number, Delivery[]>> {
    return this.read(() =>
      byEvent(
        this.prep('SELECT * FROM deliveries WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY id').all(
          JSON.stringify(eventIds),
        ) as DeliveryRow[],
      ),
    );
  }

  listRefusals(opts: { limit: number; beforeId?: number }): Promise<StoredRefusal[]> {
    return this.read(() =>
      (
        this.prep('SELECT * FROM refusals WHERE id < ? ORDER BY id DESC LIMIT ?').all(
          opts.beforeId ?? Number.MAX_SAFE_INTEGER,
          opts.limit,
        ) as RefusalRow[]
      ).map(toRefusal),
    );
  }

  dueChannels(now: number, limit: number): Promise<string[]> {
    return this.read(() =>
      (
        this.prep(
          `SELECT channel FROM (
             SELECT d.channel, d.next_attempt_at AS due, d.id FROM (
               SELECT MIN(id) AS head FROM deliveries WHERE status = 'pending' GROUP BY channel
             ) h JOIN deliveries d ON d.id = h.head WHERE d.next_attempt_at <= @now
             UNION ALL SELECT channel, MIN(edit_due_at), 0 FROM thread_roots WHERE edit_due_at <= @now GROUP BY channel
           ) ORDER BY due, id LIMIT @limit`,
        ).all({ now, limit }) as Array<{ channel: string }>
      ).map((r) => r.channel),
    );
  }

  duePending(channel: string, now: number, limit: number, afterId?: number): Promise<DueItems> {
    const params = { channel, limit, now, after: afterId ?? -1 };
    return this.read(() =>
      toDueItems(this.prep(atNamed(DUE_PENDING_SQL)).all(params) as DueRow[], now, afterId === undefined),
    );
  }

  async markSent(
    ids: readonly number[],
    now: number,
    thread?: SentInThread & { channel: string },
    ref: string | null = null,
  ): Promise<void> {
    const sent = pendingUpdate(
      ids,
      `status = 'sent', attempts = attempts + 1, last_error = NULL, updated_at = @now, thread = @thread, ref = @ref, thread_ref = @threadRef`,
      { now, thread: thread?.role ?? null, ref, threadRef: thread?.threadRef ?? null },
    );
    const steps = thread
      ? sentInThreadSteps(thread, now).map((s) => ({ ...s, sql: atNamed(s.sql), mode: 'run' as const }))
      : [];
    await this.writes.steps(sent, ...steps);
  }

  markRetry(ids: readonly number[], now: number, nextAttemptAt: number, error: string): Promise<void> {
    return this.update(
      ids,
      `attempts = attempts + 1, next_attempt_at = @next, last_error = @error, updated_at = @now`,
      { now, next: nextAttemptAt, error },
    );
  }

  markDead(ids: readonly number[], now: number, error: string): Promise<void> {
    return this.update(ids, `status = 'dead', attempts = attempts + 1, last_error = @error, updated_at = @now`, {
      now,
      error,
    });
  }

  markHeld(ids: readonly number[], now: number, reason: string): Promise<void> {
    return this.update(ids, 'last_error = @reason, updated_at = @now', { reason, now });
  }

  markMuted(ids: readonly number[], mute: number, now: number, reason: string): Promise<void> {
    const set = `status = 'muted', muted_by = @mute, last_error = @reason, updated_at = @now`;
    return this.update(ids, set, { mute, reason, now });
  }

  /** One UPDATE for the whole batch of ids; a delivery that is no longer pending is left alone. */
  private async update(ids: readonly number[], set: string, params: Record<string, unknown>): Promise<void> {
    await this.writes.steps(pendingUpdate(ids, set, params));
  }

  replayDead(opts: { channel?: string; since?: number; ids?: readonly number[] }, now: number): Promise<number> {
    return stepWrites.replayDead(this, opts, now);
  }

  resend(eventId: number, d: PlannedDelivery, now: number): Promise<{ deliveryId: number; requeued: boolean } | null> {
    return stepWrites.resend(this, eventId, d, now);
  }
}

/** The UPDATE of a batch of pending deliveries by id, as a writer step. */
function pendingUpdate(ids: readonly number[], set: string, params: Record<string, unknown>) {
  return {
    sql: `UPDATE deliveries SET ${set} WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'pending'`,
    params: { ...params, ids: JSON.stringify(ids) },
    mode: 'run' as const,
  };
}
