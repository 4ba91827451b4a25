import pg from 'pg';
import {
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
import {
  deliveriesFilter,
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
import { PgIngestBatch } from './pgIngestBatch.ts';
import { pgParams, pgServerTrouble, pgUnavailable as unavailable } from './pgBoundary.ts';
import { checkOut } from './pgPools.ts';
import { numbered, type EventPage, type EventSearch } from './eventSearch.ts';
import { pgIndexSearch, pgSearchEvents } from './pgSearch.ts';
import { sentInThreadSteps } from './threadSql.ts';
import { stepWrites } from './writeSteps.ts';
import { stepParams, stepSql, UNCHANGED, unmet, type TxResult, type TxStep } from './TxStep.ts';

// BIGINT columns hold millisecond times and ids: read them as numbers (they stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Events, deliveries and refusals in Postgres (the EventStore part of PostgresStore,
 * postgres.ts): ingest through the group-committing batch on the webhook's own pool
 * (pgIngestBatch.ts, pgPools.ts), everything else on the main pool.
 */
export class PgEventStore {
  protected readonly batch: PgIngestBatch;

  /** The two pools: see pgPools. */
  protected constructor(
    protected readonly pool: pg.Pool,
    protected readonly ingestPool: pg.Pool,
  ) {
    this.batch = new PgIngestBatch(() => checkOut(this.ingestPool));
  }

  protected async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const { client, release } = await checkOut(this.pool);
    let failed = false;
    try {
      await client.query('BEGIN');
      const v = await fn(client);
      await client.query('COMMIT');
      return v;
    } catch (e) {
      failed = pgServerTrouble(e);
      await client.query('ROLLBACK').catch(() => {});
      throw unavailable(e, 'Postgres transaction failed');
    } finally {
      release(failed);
    }
  }

  /** See Transactions: the steps in one transaction; null when a `needs` step found nothing. */
  async transaction(steps: readonly TxStep[]): Promise<TxResult | null> {
    try {
      return await this.tx(async (c) => {
        const done: TxResult = [];
        for (const s of steps) {
          const [sql, params] = numbered(stepSql(s, 'postgres'), stepParams(s, done));
          const r = await c.query(sql, pgParams(params));
          const result = s.returns === 'rows' ? (r.rows as Record<string, unknown>[]) : (r.rowCount ?? 0);
          if (unmet(s, result)) throw new Error(UNCHANGED);
          done.push(result);
        }
        return done;
      });
    } catch (e) {
      if ((e as Error).cause instanceof Error && ((e as Error).cause as Error).message === UNCHANGED) return null;
      throw e;
    }
  }

  /** The rows of a read in the dialects' shared `$name` form. */
  protected rows<R extends pg.QueryResultRow>(sql: string, params: Record<string, unknown>): Promise<R[]> {
    return this.q<R>(...numbered(sql, params));
  }

  protected async q<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, pgParams(params))).rows;
    } catch (e) {
      throw unavailable(e, 'Postgres query failed');
    }
  }

  /** Group commit: see pgIngestBatch.ts. */
  ingest(ev: NewEvent, planned: readonly PlannedDelivery[]): Promise<IngestResult> {
    return this.batch.ingest(ev, planned);
  }

  async recordRefusal(r: Refusal): Promise<void> {
    const rows = await this.q<{ id: number }>(
      `INSERT INTO refusals (received_at, method, status, code, message, path, body, content_type, remote_addr)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [r.receivedAt, r.method, r.status, r.code, r.message, r.path, r.body, r.contentType, r.remoteAddr],
    );
    await this.q('DELETE FROM refusals WHERE id <= $1', [rows[0]!.id - REFUSALS_KEPT]);
  }

  async getEvent(id: number): Promise<StoredEvent | null> {
    const [r] = await this.q<EventRow>('SELECT * FROM events WHERE id = $1', [id]);
    return r ? toEvent(r) : null;
  }

  async listEvents(opts: { limit: number; beforeId?: number }): Promise<StoredEvent[]> {
    return (
      await this.q<EventRow>('SELECT * FROM events WHERE id < $1 ORDER BY id DESC LIMIT $2', [
        opts.beforeId ?? Number.MAX_SAFE_INTEGER,
        opts.limit,
      ])
    ).map(toEvent);
  }

  async listDeliveries(opts: {
    eventId?: number;
    status?: DeliveryStatus;
    channel?: string;
    limit: number;
  }): Promise<Delivery[]> {
    const { where, values } = deliveriesFilter(opts, (i) => `$${i}`);
    return (
      await this.q<DeliveryRow>(`SELECT * FROM deliveries ${where} ORDER BY id DESC LIMIT $${values.length + 1}`, [
        ...values,
        opts.limit,
      ])
    ).map(toDelivery);
  }

  async deliveriesOf(eventIds: readonly number[]): Promise<Map<number, Delivery[]>> {
    return byEvent(
      await this.q<DeliveryRow>('SELECT * FROM deliveries WHERE event_id = ANY($1::bigint[]) ORDER BY id', [eventIds]),
    );
  }

  searchEvents(f: EventSearch): Promise<EventPage<StoredEvent>> {
    return pgSearchEvents((sql, params) => this.q(sql, params), f);
  }

  indexSearch(before: number): Promise<number> {
    return this.tx((c) => pgIndexSearch(c, before));
  }

  async listRefusals(opts: { limit: number; beforeId?: number }): Promise<StoredRefusal[]> {
    return (
      await this.q<RefusalRow>('SELECT * FROM refusals WHERE id < $1 ORDER BY id DESC LIMIT $2', [
        opts.beforeId ?? Number.MAX_SAFE_INTEGER,
        opts.limit,
      ])
    ).map(toRefusal);
  }

  async dueChannels(now: number, limit: number): Promise<string[]> {
    return (
      await this.q<{ channel: string }>(
        `SELECT channel FROM (
           SELECT d.channel, d.next_attempt_at AS due, d.id FROM (
             SELECT MIN(id) AS head FROM deliveries WHERE status = 'pending' GROUP BY channel
           ) h JOIN deliveries d ON d.id = h.head WHERE d.next_attempt_at <= $1
           UNION ALL SELECT channel, MIN(edit_due_at), 0 FROM thread_roots WHERE edit_due_at <= $1 GROUP BY channel
         ) x ORDER BY due, id LIMIT $2`,
        [now, limit],
      )
    ).map((r) => r.channel);
  }

  async duePending(channel: string, now: number, limit: number, afterId?: number): Promise<DueItems> {
    const params = { channel, limit, now, after: afterId ?? -1 };
    return toDueItems(await this.q<DueRow>(...numbered(DUE_PENDING_SQL, params)), now, afterId === undefined);
  }

  async markSent(
    ids: readonly number[],
    now: number,
    thread?: SentInThread & { channel: string },
    ref: string | null = null,
  ): Promise<void> {
    const sent = `UPDATE deliveries SET status = 'sent', attempts = attempts + 1, last_error = NULL, updated_at = $2, thread = $3,
                    ref = $4, thread_ref = $5 WHERE id = ANY($1) AND status = 'pending'`;
    if (!thread) {
      await this.q(sent, [ids, now, null, ref, null]);
      return;
    }
    await this.tx(async (c) => {
      await c.query(sent, pgParams([ids, now, thread.role, ref, thread.threadRef ?? null]));
      for (const step of sentInThreadSteps(thread, now)) {
        const [sql, values] = numbered(step.sql, step.params);
        await c.query(sql, pgParams(values));
      }
    });
  }

  async markRetry(ids: readonly number[], now: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.q(
      `UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $3, last_error = $4, updated_at = $2 WHERE id = ANY($1) AND status = 'pending'`,
      [ids, now, nextAttemptAt, error],
    );
  }

  async markDead(ids: readonly number[], now: number, error: string): Promise<void> {
    await this.q(
      `UPDATE deliveries SET status = 'dead', attempts = attempts + 1, last_error = $3, updated_at = $2 WHERE id = ANY($1) AND status = 'pending'`,
      [ids, now, error],
    );
  }

  async markHeld(ids: readonly number[], now: number, reason: string): Promise<void> {
    await this.q(`UPDATE deliveries SET last_error = $3, updated_at = $2 WHERE id = ANY($1) AND status = 'pending'`, [
      ids,
      now,
      reason,
    ]);
  }

  async markMuted(ids: readonly number[], muteId: number, now: number, reason: string): Promise<void> {
    await this.q(
      `UPDATE deliveries SET status = 'muted', muted_by = $3, last_error = $4, updated_at = $2 WHERE id = ANY($1) AND status = 'pending'`,
      [ids, now, muteId, reason],
    );
  }

  replayDead(opts: { channel?: string; since?: number; ids?: readonly number[] }, now: number): Promise<number> {
    return stepWrites.replayDead(this, opts, now);
  }

  resend(eventId: number, d: PlannedDelivery, now: number): Promise<{ deliveryId: number; requeued: boolean } | null> {
    return stepWrites.resend(this, eventId, d, now);
  }
}
