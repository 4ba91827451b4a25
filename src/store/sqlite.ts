import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  StoreUnavailableError, type Delivery, type DeliveryStatus, type IngestResult, type NewEvent,
  type PlannedDelivery, type Refusal, type Store, type StoredConversation, type Subscription, type StoredEvent, type StoredRefusal,
} from './Store.ts';
import { MIGRATIONS, REFUSALS_KEPT } from './migrations.ts';
import {
  eventColumns, toDelivery, toEvent, toRefusal, toSubscription, type DeliveryRow, type EventRow, type RefusalRow,
  type SubscriptionRow,
} from './rows.ts';
import type { EventKind } from '../vcc/changes.ts';

type Db = Database.Database;

interface Job {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface SqliteOptions {
  /** How long a write waits for a lock held by another process (ms). */
  busyTimeoutMs?: number;
  /** Set by the service (not the CLI): it is the only deliverer on this file. */
  ownsLeases?: boolean;
}

/**
 * The embedded store. Durability: WAL with `synchronous=FULL`, so a commit is on disk when
 * it returns. Writes go through group commit: every write queued in the same turn of the
 * event loop shares one transaction and one fsync; each write runs in its own savepoint, so
 * one failing write fails alone.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Db;
  private queue: Job[] = [];
  private scheduled = false;
  private closed = false;

  private constructor(db: Db) {
    this.db = db;
  }

  /** Opens (creating file and folder) and migrates. Throws StoreUnavailableError on failure. */
  static open(path: string, opts: SqliteOptions = {}): SqliteStore {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path);
      db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 2000}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      // One service per SQLite file: leases a killed service left behind are void when it starts.
      if (opts.ownsLeases) db.prepare('UPDATE channel_leases SET lease_until = 0').run();
      return new SqliteStore(db);
    } catch (e) {
      throw unavailable(e, `cannot open SQLite store at ${path}`);
    }
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once per SQL text and reused. */
  private prep(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private write<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    const outcomes: Array<{ ok: true; v: unknown } | { ok: false; e: unknown }> = [];
    try {
      this.db.transaction(() => {
        for (const job of jobs) {
          this.prep('SAVEPOINT job').run();
          try {
            outcomes.push({ ok: true, v: job.run() });
            this.prep('RELEASE job').run();
          } catch (e) {
            this.prep('ROLLBACK TO job').run();
            this.prep('RELEASE job').run();
            outcomes.push({ ok: false, e: unavailable(e, 'write failed') });
          }
        }
      }).immediate();
    } catch (e) {
      const err = unavailable(e, 'commit failed');
      for (const job of jobs) job.reject(err);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.v);
      else job.reject(o.e);
    });
  }

  private read<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('store is closed'));
    try {
      return Promise.resolve(run());
    } catch (e) {
      return Promise.reject(unavailable(e, 'read failed'));
    }
  }

  ingest(ev: NewEvent, planned: readonly PlannedDelivery[]): Promise<IngestResult> {
    return this.write(() => {
      const cols = eventColumns(ev);
      const inserted = this.prep(
        `INSERT INTO events (dedup_key, received_at, vcc_timestamp, user_id, kinds, payload)
         VALUES (@dedup_key, @received_at, @vcc_timestamp, @user_id, @kinds, @payload)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
      ).get(cols) as { id: number } | undefined;
      if (!inserted) {
        const existing = this.prep('SELECT id FROM events WHERE dedup_key = ?').get(ev.dedupKey) as { id: number };
        return { status: 'duplicate', eventId: existing.id } as const;
      }
      const add = this.prep(
        `INSERT INTO deliveries (event_id, channel, kinds, show, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
      );
      for (const p of planned) {
        add.run(inserted.id, p.channel, JSON.stringify(p.kinds), JSON.stringify(p.show), ev.receivedAt, ev.receivedAt, ev.receivedAt);
      }
      return { status: 'accepted', eventId: inserted.id, deliveries: planned.length } as const;
    });
  }

  recordRefusal(r: Refusal): Promise<void> {
    return this.write(() => {
      const { lastInsertRowid } = this.prep(
        `INSERT INTO refusals (received_at, method, status, code, message, path, body, content_type, remote_addr)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.receivedAt, r.method, r.status, r.code, r.message, r.path, r.body, r.contentType, r.remoteAddr);
      this.prep('DELETE FROM refusals WHERE id <= ?').run(Number(lastInsertRowid) - REFUSALS_KEPT);
    });
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

  listDeliveries(opts: { eventId?: number; status?: DeliveryStatus; channel?: string; limit: number }): Promise<Delivery[]> {
    return this.read(() =>
      (this.prep(
        `SELECT * FROM deliveries
         WHERE (@eventId IS NULL OR event_id = @eventId) AND (@status IS NULL OR status = @status)
           AND (@channel IS NULL OR channel = @channel)
         ORDER BY id DESC LIMIT @limit`,
      ).all({
        eventId: opts.eventId ?? null, status: opts.status ?? null, channel: opts.channel ?? null, limit: opts.limit,
      }) as DeliveryRow[]).map(toDelivery));
  }

  listRefusals(opts: { limit: number }): Promise<StoredRefusal[]> {
    return this.read(() =>
      (this.prep('SELECT * FROM refusals ORDER BY id DESC LIMIT ?').all(opts.limit) as RefusalRow[]).map(toRefusal));
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
  private update(ids: readonly number[], set: string, params: Record<string, unknown>): Promise<void> {
    return this.write(() => {
      this.prep(`UPDATE deliveries SET ${set} WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'pending'`)
        .run({ ...params, ids: JSON.stringify(ids) });
    });
  }

  replayDead(opts: { channel?: string; since?: number; ids?: readonly number[] }, now: number): Promise<number> {
    return this.write(() => {
      const stmt = this.prep(
        `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, updated_at = @now
         WHERE status = 'dead' AND (@channel IS NULL OR channel = @channel)
           AND (@since IS NULL OR updated_at >= @since) AND (@id IS NULL OR id = @id)`,
      );
      const base = { now, channel: opts.channel ?? null, since: opts.since ?? null };
      if (!opts.ids) return stmt.run({ ...base, id: null }).changes;
      return opts.ids.reduce((n, id) => n + stmt.run({ ...base, id }).changes, 0);
    });
  }

  saveConversation(c: StoredConversation): Promise<void> {
    return this.write(() => {
      this.prep(
        `INSERT INTO conversations (id, reference, name, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET reference = excluded.reference, name = excluded.name, updated_at = excluded.updated_at`,
      ).run(c.id, JSON.stringify(c.reference), c.name, c.updatedAt);
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

  addSubscription(s: Omit<Subscription, 'id'>): Promise<number> {
    return this.write(() => Number(this.prep(
      'INSERT INTO subscriptions (channel, events, where_terms, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(s.channel, s.events ? JSON.stringify(s.events) : null, JSON.stringify(s.where), s.createdBy, s.createdAt).lastInsertRowid));
  }

  setSubscriptionEvents(id: number, events: EventKind[] | null): Promise<void> {
    return this.write(() => {
      if (events && events.length === 0) this.prep('DELETE FROM subscriptions WHERE id = ?').run(id);
      else this.prep('UPDATE subscriptions SET events = ? WHERE id = ?').run(events ? JSON.stringify(events) : null, id);
    });
  }

  claimChannel(channel: string, owner: string, now: number, leaseMs: number): Promise<{ lastSendAt: number | null } | null> {
    return this.write(() => {
      const r = this.prep(
        `INSERT INTO channel_leases (channel, owner, lease_until) VALUES (@channel, @owner, @until)
         ON CONFLICT (channel) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
         WHERE channel_leases.lease_until < @now OR channel_leases.owner = excluded.owner
         RETURNING last_send_at`,
      ).get({ channel, owner, until: now + leaseMs, now }) as { last_send_at: number | null } | undefined;
      return r ? { lastSendAt: r.last_send_at } : null;
    });
  }

  releaseChannel(channel: string, owner: string, lastSendAt: number | null): Promise<void> {
    return this.write(() => {
      this.prep('UPDATE channel_leases SET lease_until = 0, last_send_at = COALESCE(?, last_send_at) WHERE channel = ? AND owner = ?')
        .run(lastSendAt, channel, owner);
    });
  }

  prune(before: number): Promise<number> {
    return this.write(() => {
      const old = `SELECT id FROM events e WHERE e.received_at < @before
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')`;
      this.prep(`DELETE FROM deliveries WHERE event_id IN (${old})`).run({ before });
      const n = this.prep(`DELETE FROM events WHERE id IN (${old})`).run({ before }).changes;
      this.prep('DELETE FROM refusals WHERE received_at < @before').run({ before });
      return n;
    });
  }

  queueStats(): Promise<{ pending: number; oldestPendingCreatedAt: number | null }> {
    return this.read(() => {
      const r = this.prep(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries WHERE status = 'pending'`).get() as { n: number; oldest: number | null };
      return { pending: r.n, oldestPendingCreatedAt: r.oldest };
    });
  }

  ping(): Promise<void> {
    return this.write(() => { this.prep('SELECT 1').get(); });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.queue.length > 0) this.flush();
    this.closed = true;
    this.db.close();
  }
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sqlite);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    }).immediate();
  }
}

function unavailable(e: unknown, what: string): StoreUnavailableError {
  if (e instanceof StoreUnavailableError) return e;
  const code = (e as { code?: string }).code;
  return new StoreUnavailableError(`${what}: ${code ?? (e as Error).message}`, { cause: e });
}
