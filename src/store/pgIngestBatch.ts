import type pg from 'pg';
import { StoreUnavailableError, type IngestResult, type NewEvent, type PlannedDelivery } from './Store.ts';
import { eventColumns } from './rows.ts';

interface Pending {
  ev: NewEvent;
  planned: readonly PlannedDelivery[];
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/** Most events in one transaction. */
const MAX_BATCH = 500;
/** Transactions committing at once: while they do, new ingests queue into the next batch. */
const MAX_IN_FLIGHT = 2;

/**
 * Group commit for Postgres ingest, with the SQLite writer's semantics: the ingests that arrive
 * while earlier batches commit go into the next batch: one statement (its own transaction)
 * inserting the events (ON CONFLICT on the dedup key does nothing) and their deliveries, so a
 * burst costs one round trip and one commit per batch instead of four round trips per event.
 * Each promise resolves only after its batch committed. If a batch fails, its events are
 * retried one per transaction, so one bad write fails alone. Copies of one event in different
 * batches: the batch that commits first accepts it (not necessarily the one that arrived first);
 * every other copy is a duplicate of that event.
 */
export class PgIngestBatch {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly connect: () => Promise<pg.PoolClient>,
    private readonly unavailable: (e: unknown, what: string) => Error,
  ) {}

  ingest(ev: NewEvent, planned: readonly PlannedDelivery[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ev, planned, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.kick();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const results = await this.commit(batch);
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (e) {
      // No connection (already a StoreUnavailableError from `connect`): every event in the
      // batch fails now, not one by one after a connect timeout each.
      if (batch.length === 1 || e instanceof StoreUnavailableError) {
        const err = e instanceof StoreUnavailableError ? e : this.unavailable(e, 'Postgres transaction failed');
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) await this.run([p]);
    }
  }

  /**
   * The whole batch in one statement (so one round trip and one implicit transaction): events
   * and their deliveries are inserted together, in the batch's order (delivery ids follow event
   * order, which the worker sends in). Results in the batch's order.
   */
  private async commit(batch: Pending[]): Promise<IngestResult[]> {
    const cols = batch.map((p) => eventColumns(p.ev));
    // Deliveries only for the first occurrence of a key: later ones are its duplicates.
    const rows = { key: [] as string[], channel: [] as string[], kinds: [] as string[], show: [] as string[], mention: [] as string[], at: [] as number[] };
    const firstOf = new Map<string, number>();
    batch.forEach((p, i) => {
      const key = cols[i]!.dedup_key;
      if (firstOf.has(key)) return;
      firstOf.set(key, i);
      for (const d of p.planned) {
        rows.key.push(key);
        rows.channel.push(d.channel);
        rows.kinds.push(JSON.stringify(d.kinds));
        rows.show.push(JSON.stringify(d.show));
        rows.mention.push(JSON.stringify(d.mention ?? []));
        rows.at.push(p.ev.receivedAt);
      }
    });
    const client = await this.connect();
    try {
      const found = await client.query<{ id: string; dedup_key: string; fresh: boolean }>(INGEST_SQL, [
        cols.map((c) => c.dedup_key), cols.map((c) => c.received_at), cols.map((c) => c.vcc_timestamp),
        cols.map((c) => c.user_id), cols.map((c) => c.kinds), cols.map((c) => c.payload),
        rows.key, rows.channel, rows.kinds, rows.show, rows.at,
        cols.map((c) => c.username_lc), cols.map((c) => c.email_lc), cols.map((c) => c.name_lc), rows.mention,
      ]);
      const fresh = new Map<string, number>();
      const existing = new Map<string, number>();
      for (const r of found.rows) (r.fresh ? fresh : existing).set(r.dedup_key, Number(r.id));
      // A key in neither was committed by a concurrent batch after this statement's snapshot.
      const late = [...firstOf.keys()].filter((k) => !fresh.has(k) && !existing.has(k));
      if (late.length > 0) {
        const more = await client.query<{ id: string; dedup_key: string }>('SELECT id, dedup_key FROM events WHERE dedup_key = ANY($1::text[])', [late]);
        for (const r of more.rows) existing.set(r.dedup_key, Number(r.id));
      }
      return batch.map((p, i): IngestResult => {
        const key = cols[i]!.dedup_key;
        const id = fresh.get(key);
        if (id !== undefined && firstOf.get(key) === i) return { status: 'accepted', eventId: id, deliveries: p.planned.length };
        return { status: 'duplicate', eventId: id ?? existing.get(key)! };
      });
    } finally {
      client.release();
    }
  }
}

/**
 * Inserts the batch's new events (a known dedup key does nothing) and the deliveries of those
 * inserted, and returns the inserted events (fresh) and those that existed before (the outer
 * SELECT's snapshot does not see the rows its own CTE inserted).
 */
const INGEST_SQL = `
  WITH ins AS (
    INSERT INTO events (dedup_key, received_at, vcc_timestamp, user_id, kinds, payload, username_lc, email_lc, name_lc)
    SELECT k, r, v, u, ki, p, un, em, na
    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $12::text[], $13::text[], $14::text[])
      WITH ORDINALITY AS t(k, r, v, u, ki, p, un, em, na, n)
    ORDER BY n
    ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key
  ), dl AS (
    INSERT INTO deliveries (event_id, channel, kinds, show, mention, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT ins.id, d.c, d.k, d.s, d.m, 'pending', 0, d.a, d.a, d.a
    FROM unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $15::text[]) WITH ORDINALITY AS d(key, c, k, s, a, m, n)
    JOIN ins ON ins.dedup_key = d.key
    ORDER BY d.n
  )
  SELECT id, dedup_key, true AS fresh FROM ins
  UNION ALL
  SELECT id, dedup_key, false FROM events WHERE dedup_key = ANY($1::text[])`;
