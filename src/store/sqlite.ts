import type Database from 'better-sqlite3';
import {
  StoreUnavailableError, type Delivery, type DeliveryStatus, type IngestResult, type NewEvent,
  type PlannedDelivery, type Refusal, type Store, type StoredConversation, type Subscription, type StoredEvent, type StoredRefusal,
} from './Store.ts';
import { REFUSALS_KEPT } from './migrations.ts';
import { statementCache } from './sqliteConnection.ts';
import { SqliteWrites, unavailable, type SqliteOptions } from './sqliteWrites.ts';
import {
  deliveriesFilter, eventColumns, toDelivery, toEvent, toRefusal, toSubscription, type DeliveryRow, type EventRow, type RefusalRow,
  type SubscriptionRow,
  RESEND_SQL, byEvent, resendParams,
} from './rows.ts';
import type { EventKind } from '../vcc/changes.ts';
import type { Mention } from '../routing/route.ts';
import { atNamed, type EventPage, type EventSearch } from './eventSearch.ts';
import { sqliteIndexSearch, sqliteSearchEvents } from './sqliteSearch.ts';

export type { SqliteOptions };

interface RunResult { changes: number; lastInsertRowid: number }

/**
 * The embedded store. Durability: WAL with `synchronous=FULL`, so a commit is on disk when
 * it returns, and a write's promise resolves only after its commit (group commit in a writer
 * thread: sqliteWrites.ts). Reads use this thread's own connection (WAL lets them run beside
 * the writer).
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  /** Statements for reads on this thread (writes are prepared by the writer). */
  private readonly prep: (sql: string) => Database.Statement;

  private constructor(db: Database.Database, private readonly writes: SqliteWrites) {
    this.prep = statementCache(db);
  }

  /** Opens (creating file and folder), migrates, starts the writer. Throws StoreUnavailableError. */
  static async open(path: string, opts: SqliteOptions = {}): Promise<SqliteStore> {
    const { db, writes } = await SqliteWrites.open(path, opts);
    return new SqliteStore(db, writes);
  }

  private read<T>(run: () => T): Promise<T> {
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
      { sql: 'DELETE FROM refusals WHERE id <= (SELECT MAX(id) FROM refusals) - ?', params: [REFUSALS_KEPT], mode: 'run' },
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
      (this.prep('SELECT * FROM events WHERE id < ? ORDER BY id DESC LIMIT ?')
        .all(opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit) as EventRow[]).map(toEvent));
  }

  searchEvents(f: EventSearch): Promise<EventPage<StoredEvent>> {
    return this.read(() => sqliteSearchEvents(this.prep, f));
  }

  indexSearch(before: number): Promise<number> {
    return sqliteIndexSearch(this.writes, before);
  }

  listDeliveries(opts: { eventId?: number; status?: DeliveryStatus; channel?: string; beforeId?: number; limit: number }): Promise<Delivery[]> {
    const { where, values } = deliveriesFilter(opts, () => '?');
    return this.read(() =>
      (this.prep(`SELECT * FROM deliveries ${where} ORDER BY id DESC LIMIT ?`).all(...values, opts.limit) as DeliveryRow[]).map(toDelivery));
  }

  deliveriesOf(eventIds: readonly number[]): Promise<Map<number, Delivery[]>> {
    return this.read(() => byEvent(this.prep('SELECT * FROM deliveries WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY id')
      .all(JSON.stringify(eventIds)) as DeliveryRow[]));
  }

  listRefusals(opts: { limit: number; beforeId?: number }): Promise<StoredRefusal[]> {
    return this.read(() =>
      (this.prep('SELECT * FROM refusals WHERE id < ? ORDER BY id DESC LIMIT ?').all(opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit) as RefusalRow[]).map(toRefusal));
  }

  dueChannels(now: number, limit: number): Promise<string[]> {
    return this.read(() =>
      (this.prep(
        `SELECT d.channel FROM (
           SELECT MIN(id) AS head FROM deliveries WHERE status = 'pending' GROUP BY channel
         ) h JOIN deliveries d ON d.id = h.head
         WHERE d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?`,
      ).all(now, limit) as Array<{ channel: string }>).map((r) => r.channel));
  }

  duePending(channel: string, now: number, limit: number): Promise<Array<{ delivery: Delivery; event: StoredEvent }>> {
    return this.read(() => {
      const rows = this.prep(
        `SELECT d.*, e.id AS e_id, e.dedup_key, e.received_at, e.vcc_timestamp, e.user_id,
                e.kinds AS e_kinds, e.payload
         FROM deliveries d JOIN events e ON e.id = d.event_id
         WHERE d.channel = ? AND d.status = 'pending' ORDER BY d.id LIMIT ?`,
      ).all(channel, limit) as Array<DeliveryRow & Omit<EventRow, 'id' | 'kinds'> & { e_id: number; e_kinds: string }>;
      if (rows.length === 0 || Number(rows[0]!.next_attempt_at) > now) return [];
      return rows.map((r) => ({
        delivery: toDelivery(r),
        event: toEvent({ ...r, id: r.e_id, kinds: r.e_kinds }),
      }));
    });
  }

  markSent(ids: readonly number[], now: number): Promise<void> {
    return this.update(ids, `status = 'sent', attempts = attempts + 1, last_error = NULL, updated_at = @now`, { now });
  }

  markRetry(ids: readonly number[], now: number, nextAttemptAt: number, error: string): Promise<void> {
    return this.update(ids,
      `attempts = attempts + 1, next_attempt_at = @next, last_error = @error, updated_at = @now`,
      { now, next: nextAttemptAt, error });
  }

  markDead(ids: readonly number[], now: number, error: string): Promise<void> {
    return this.update(ids, `status = 'dead', attempts = attempts + 1, last_error = @error, updated_at = @now`, { now, error });
  }

  /** One UPDATE for the whole batch of ids; a delivery that is no longer pending is left alone. */
  private async update(ids: readonly number[], set: string, params: Record<string, unknown>): Promise<void> {
    await this.writes.steps({
      sql: `UPDATE deliveries SET ${set} WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'pending'`,
      params: { ...params, ids: JSON.stringify(ids) },
      mode: 'run',
    });
  }

  async replayDead(opts: { channel?: string; since?: number; ids?: readonly number[] }, now: number): Promise<number> {
    const [r] = await this.writes.steps({
      sql: `UPDATE deliveries SET status = 'pending', retry_base = attempts, retry_since = @now, next_attempt_at = @now, updated_at = @now
            WHERE status = 'dead' AND (@channel IS NULL OR channel = @channel) AND (@since IS NULL OR updated_at >= @since)
              AND (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids)))`,
      params: { now, channel: opts.channel ?? null, since: opts.since ?? null, ids: opts.ids ? JSON.stringify(opts.ids) : null },
      mode: 'run',
    });
    return (r as RunResult).changes;
  }

  async resend(eventId: number, d: PlannedDelivery, now: number): Promise<{ deliveryId: number; requeued: boolean } | null> {
    const [r] = await this.writes.steps({ sql: atNamed(RESEND_SQL), params: resendParams(eventId, d, now), mode: 'get' });
    const row = r as { id: number; requeued: number } | undefined;
    return row ? { deliveryId: row.id, requeued: row.requeued === 1 } : null;
  }

  async saveConversation(c: StoredConversation): Promise<void> {
    await this.writes.steps({
      sql: `INSERT INTO conversations (id, reference, name, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET reference = excluded.reference, name = excluded.name, updated_at = excluded.updated_at`,
      params: [c.id, JSON.stringify(c.reference), c.name, c.updatedAt],
      mode: 'run',
    });
  }

  getConversation(id: string): Promise<StoredConversation | null> {
    return this.read(() => {
      const r = this.prep('SELECT * FROM conversations WHERE id = ?').get(id) as
        { id: string; reference: string; name: string | null; updated_at: number } | undefined;
      return r ? { id: r.id, reference: JSON.parse(r.reference) as Record<string, unknown>, name: r.name, updatedAt: Number(r.updated_at) } : null;
    });
  }

  listSubscriptions(): Promise<Subscription[]> {
    return this.read(() => (this.prep('SELECT * FROM subscriptions ORDER BY id').all() as SubscriptionRow[]).map(toSubscription));
  }

  async addSubscription(s: Omit<Subscription, 'id'>): Promise<number> {
    const [r] = await this.writes.steps({
      sql: 'INSERT INTO subscriptions (channel, events, where_terms, mention, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      params: [s.channel, s.events ? JSON.stringify(s.events) : null, JSON.stringify(s.where), JSON.stringify(s.mention), s.createdBy, s.createdAt],
      mode: 'run',
    });
    return (r as RunResult).lastInsertRowid;
  }

  async setSubscriptionEvents(id: number, events: EventKind[] | null, mention?: Mention[]): Promise<void> {
    await this.writes.steps(events && events.length === 0
      ? { sql: 'DELETE FROM subscriptions WHERE id = ?', params: [id], mode: 'run' }
      : { sql: 'UPDATE subscriptions SET events = ?, mention = COALESCE(?, mention) WHERE id = ?', params: [events ? JSON.stringify(events) : null, mention ? JSON.stringify(mention) : null, id], mode: 'run' });
  }

  async claimChannel(channel: string, owner: string, now: number, leaseMs: number): Promise<{ lastSendAt: number | null } | null> {
    const [r] = await this.writes.steps({
      sql: `INSERT INTO channel_leases (channel, owner, lease_until) VALUES (@channel, @owner, @until)
            ON CONFLICT (channel) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
            WHERE channel_leases.lease_until < @now OR channel_leases.owner = excluded.owner
            RETURNING last_send_at`,
      params: { channel, owner, until: now + leaseMs, now },
      mode: 'get',
    });
    return r ? { lastSendAt: (r as { last_send_at: number | null }).last_send_at } : null;
  }

  async releaseChannel(channel: string, owner: string, lastSendAt: number | null): Promise<void> {
    await this.writes.steps({
      sql: 'UPDATE channel_leases SET lease_until = 0, last_send_at = COALESCE(?, last_send_at) WHERE channel = ? AND owner = ?',
      params: [lastSendAt, channel, owner],
      mode: 'run',
    });
  }

  async prune(before: number, limit: number): Promise<{ events: number; refusals: number }> {
    const old = `SELECT id FROM events e WHERE e.received_at < @before
                 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
                 ORDER BY e.received_at LIMIT @limit`;
    const [, events, refusals] = await this.writes.steps(
      { sql: `DELETE FROM deliveries WHERE event_id IN (${old})`, params: { before, limit }, mode: 'run' },
      { sql: `DELETE FROM events WHERE id IN (${old})`, params: { before, limit }, mode: 'run' },
      { sql: 'DELETE FROM refusals WHERE id IN (SELECT id FROM refusals WHERE received_at < @before ORDER BY received_at LIMIT @limit)', params: { before, limit }, mode: 'run' },
    );
    return { events: (events as RunResult).changes, refusals: (refusals as RunResult).changes };
  }

  queueStats(): Promise<{ pending: number; oldestPendingCreatedAt: number | null }> {
    return this.read(() => {
      const r = this.prep(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries WHERE status = 'pending'`).get() as { n: number; oldest: number | null };
      return { pending: r.n, oldestPendingCreatedAt: r.oldest };
    });
  }

  async ping(): Promise<void> {
    await this.writes.steps({ sql: 'SELECT 1 AS one', mode: 'get' });
  }

  /** Waits for queued writes to commit, then stops the writer and closes the connection. */
  close(): Promise<void> {
    return this.writes.close();
  }
}
