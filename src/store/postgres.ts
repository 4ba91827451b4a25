import pg from 'pg';
import {
  StoreUnavailableError, type Delivery, type DeliveryStatus, type IngestResult, type NewEvent, type PlannedDelivery,
  type Refusal, type Store, type StoredConversation, type StoredEvent, type StoredRefusal, type Subscription,
} from './Store.ts';
import { REFUSALS_KEPT } from './migrations.ts';
import {
  deliveriesFilter, toDelivery, toEvent, toRefusal, toSubscription, type DeliveryRow, type EventRow, type RefusalRow, type SubscriptionRow,
  RESEND_SQL, byEvent, resendParams,
} from './rows.ts';
import type { EventKind } from '../vcc/changes.ts';
import type { Mention } from '../routing/route.ts';
import { PgIngestBatch } from './pgIngestBatch.ts';
import { pgMigrate, pgPools, pgWritable } from './pgPools.ts';
import { pgParams, pgUnavailable as unavailable } from './pgBoundary.ts';
import { numbered, type EventPage, type EventSearch } from './eventSearch.ts';
import { pgIndexSearch, pgSearchEvents } from './pgSearch.ts';

// BIGINT columns hold millisecond times and ids: read them as numbers (they stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * The shared store for several instances (`DATABASE_URL=postgres://...`). Every write is its
 * own transaction, committed (and so synced, with the server's default synchronous_commit)
 * before the promise resolves. Dedup is the unique `dedup_key`, so it holds across
 * instances; channel leases make one instance at a time work a channel. Every string
 * parameter goes through pgText, so a NUL from a sender cannot fail its write forever.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;

  private readonly batch: PgIngestBatch;

  /** The two pools: see pgPools. */
  private constructor(private readonly pool: pg.Pool, private readonly ingestPool: pg.Pool, private readonly writeTimeoutMs: number) {
    this.batch = new PgIngestBatch(async () => {
      try {
        return await this.ingestPool.connect();
      } catch (e) {
        throw unavailable(e, 'cannot connect to Postgres');
      }
    });
  }

  /** Connects and migrates. Throws StoreUnavailableError (without the URL, which may hold a password). */
  static async open(url: string, opts: { max?: number; writeTimeoutMs?: number } = {}): Promise<PostgresStore> {
    const writeTimeoutMs = opts.writeTimeoutMs ?? 5_000;
    const { pool, ingestPool } = pgPools(url, opts.max ?? 10, writeTimeoutMs);
    const store = new PostgresStore(pool, ingestPool, writeTimeoutMs);
    try {
      await store.tx(pgMigrate);
    } catch (e) {
      await Promise.all([pool.end().catch(() => {}), ingestPool.end().catch(() => {})]);
      throw e instanceof StoreUnavailableError ? e : unavailable(e, 'cannot open the Postgres store');
    }
    return store;
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw unavailable(e, 'cannot connect to Postgres');
    }
    try {
      await client.query('BEGIN');
      const v = await fn(client);
      await client.query('COMMIT');
      return v;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw unavailable(e, 'Postgres transaction failed');
    } finally {
      client.release();
    }
  }

  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
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
    return (await this.q<EventRow>('SELECT * FROM events WHERE id < $1 ORDER BY id DESC LIMIT $2', [opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit])).map(toEvent);
  }

  async listDeliveries(opts: { eventId?: number; status?: DeliveryStatus; channel?: string; limit: number }): Promise<Delivery[]> {
    const { where, values } = deliveriesFilter(opts, (i) => `$${i}`);
    return (await this.q<DeliveryRow>(`SELECT * FROM deliveries ${where} ORDER BY id DESC LIMIT $${values.length + 1}`, [...values, opts.limit])).map(toDelivery);
  }

  async deliveriesOf(eventIds: readonly number[]): Promise<Map<number, Delivery[]>> {
    return byEvent(await this.q<DeliveryRow>('SELECT * FROM deliveries WHERE event_id = ANY($1::bigint[]) ORDER BY id', [eventIds]));
  }

  searchEvents(f: EventSearch): Promise<EventPage<StoredEvent>> {
    return pgSearchEvents((sql, params) => this.q(sql, params), f);
  }

  indexSearch(before: number): Promise<number> {
    return this.tx((c) => pgIndexSearch(c, before));
  }

  async listRefusals(opts: { limit: number; beforeId?: number }): Promise<StoredRefusal[]> {
    return (await this.q<RefusalRow>('SELECT * FROM refusals WHERE id < $1 ORDER BY id DESC LIMIT $2', [opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit])).map(toRefusal);
  }

  async dueChannels(now: number, limit: number): Promise<string[]> {
    return (await this.q<{ channel: string }>(
      `SELECT d.channel FROM (SELECT MIN(id) AS head FROM deliveries WHERE status = 'pending' GROUP BY channel) h
       JOIN deliveries d ON d.id = h.head WHERE d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2`,
      [now, limit],
    )).map((r) => r.channel);
  }

  async duePending(channel: string, now: number, limit: number): Promise<Array<{ delivery: Delivery; event: StoredEvent }>> {
    const rows = await this.q<DeliveryRow & Omit<EventRow, 'id' | 'kinds'> & { e_id: number; e_kinds: string }>(
      `SELECT d.*, e.id AS e_id, e.dedup_key, e.received_at, e.vcc_timestamp, e.user_id, e.kinds AS e_kinds, e.payload
       FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE d.channel = $1 AND d.status = 'pending' ORDER BY d.id LIMIT $2`,
      [channel, limit],
    );
    if (rows.length === 0 || Number(rows[0]!.next_attempt_at) > now) return [];
    return rows.map((r) => ({ delivery: toDelivery(r), event: toEvent({ ...r, id: r.e_id, kinds: r.e_kinds }) }));
  }

  async markSent(ids: readonly number[], now: number): Promise<void> {
    await this.q(`UPDATE deliveries SET status = 'sent', attempts = attempts + 1, last_error = NULL, updated_at = $2 WHERE id = ANY($1) AND status = 'pending'`, [ids, now]);
  }

  async markRetry(ids: readonly number[], now: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.q(`UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $3, last_error = $4, updated_at = $2 WHERE id = ANY($1) AND status = 'pending'`, [ids, now, nextAttemptAt, error]);
  }

  async markDead(ids: readonly number[], now: number, error: string): Promise<void> {
    await this.q(`UPDATE deliveries SET status = 'dead', attempts = attempts + 1, last_error = $3, updated_at = $2 WHERE id = ANY($1) AND status = 'pending'`, [ids, now, error]);
  }

  async replayDead(opts: { channel?: string; since?: number; ids?: readonly number[] }, now: number): Promise<number> {
    const rows = await this.q<{ id: number }>(
      `UPDATE deliveries SET status = 'pending', retry_base = attempts, retry_since = $1, next_attempt_at = $1, updated_at = $1
       WHERE status = 'dead' AND ($2::text IS NULL OR channel = $2) AND ($3::bigint IS NULL OR updated_at >= $3)
         AND ($4::bigint[] IS NULL OR id = ANY($4)) RETURNING id`,
      [now, opts.channel ?? null, opts.since ?? null, opts.ids ?? null],
    );
    return rows.length;
  }

  async resend(eventId: number, d: PlannedDelivery, now: number): Promise<{ deliveryId: number; requeued: boolean } | null> {
    const [row] = await this.q<{ id: string; requeued: boolean }>(...numbered(RESEND_SQL, resendParams(eventId, d, now)));
    return row ? { deliveryId: Number(row.id), requeued: row.requeued } : null;
  }

  async saveConversation(c: StoredConversation): Promise<void> {
    await this.q(
      `INSERT INTO conversations (id, reference, name, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET reference = excluded.reference, name = excluded.name, updated_at = excluded.updated_at`,
      [c.id, JSON.stringify(c.reference), c.name, c.updatedAt],
    );
  }

  async getConversation(id: string): Promise<StoredConversation | null> {
    const [r] = await this.q<{ id: string; reference: string; name: string | null; updated_at: number }>('SELECT * FROM conversations WHERE id = $1', [id]);
    return r ? { id: r.id, reference: JSON.parse(r.reference) as Record<string, unknown>, name: r.name, updatedAt: r.updated_at } : null;
  }

  async listSubscriptions(): Promise<Subscription[]> {
    return (await this.q<SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id')).map(toSubscription);
  }

  async addSubscription(s: Omit<Subscription, 'id'>): Promise<number> {
    const [r] = await this.q<{ id: number }>(
      'INSERT INTO subscriptions (channel, events, where_terms, mention, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [s.channel, s.events ? JSON.stringify(s.events) : null, JSON.stringify(s.where), JSON.stringify(s.mention), s.createdBy, s.createdAt],
    );
    return r!.id;
  }

  async setSubscriptionEvents(id: number, events: EventKind[] | null, mention?: Mention[]): Promise<void> {
    if (events && events.length === 0) await this.q('DELETE FROM subscriptions WHERE id = $1', [id]);
    else await this.q('UPDATE subscriptions SET events = $2, mention = COALESCE($3, mention) WHERE id = $1', [id, events ? JSON.stringify(events) : null, mention ? JSON.stringify(mention) : null]);
  }

  async claimChannel(channel: string, owner: string, now: number, leaseMs: number): Promise<{ lastSendAt: number | null } | null> {
    const [r] = await this.q<{ last_send_at: number | null }>(
      `INSERT INTO channel_leases (channel, owner, lease_until) VALUES ($1, $2, $3)
       ON CONFLICT (channel) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
       WHERE channel_leases.lease_until < $4 OR channel_leases.owner = excluded.owner
       RETURNING last_send_at`,
      [channel, owner, now + leaseMs, now],
    );
    return r ? { lastSendAt: r.last_send_at } : null;
  }

  async releaseChannel(channel: string, owner: string, lastSendAt: number | null): Promise<void> {
    await this.q('UPDATE channel_leases SET lease_until = 0, last_send_at = COALESCE($3, last_send_at) WHERE channel = $1 AND owner = $2', [channel, owner, lastSendAt]);
  }

  prune(before: number, limit: number): Promise<{ events: number; refusals: number }> {
    return this.tx(async (c) => {
      const old = await c.query<{ id: number }>(`SELECT id FROM events e WHERE e.received_at < $1
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
           ORDER BY e.received_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [before, limit]);
      const ids = old.rows.map((r) => r.id);
      await c.query('DELETE FROM deliveries WHERE event_id = ANY($1::bigint[])', [ids]);
      const events = (await c.query('DELETE FROM events WHERE id = ANY($1::bigint[])', [ids])).rowCount ?? 0;
      const refusals = (await c.query('DELETE FROM refusals WHERE id IN (SELECT id FROM refusals WHERE received_at < $1 ORDER BY received_at LIMIT $2)', [before, limit])).rowCount ?? 0;
      return { events, refusals };
    });
  }

  async queueStats(): Promise<{ pending: number; oldestPendingCreatedAt: number | null }> {
    const [r] = await this.q<{ n: number; oldest: number | null }>(`SELECT COUNT(*)::bigint AS n, MIN(created_at) AS oldest FROM deliveries WHERE status = 'pending'`);
    return { pending: r!.n, oldestPendingCreatedAt: r!.oldest };
  }

  /** Whether an ingest could commit now (see pgWritable). */
  async ping(): Promise<void> {
    await pgWritable(this.ingestPool, this.writeTimeoutMs);
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.ingestPool.end()]);
  }
}
