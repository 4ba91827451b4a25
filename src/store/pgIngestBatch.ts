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
 * while earlier batches commit go into the next transaction as one multi-row insert of events
 * (ON CONFLICT on the dedup key does nothing) and one of deliveries, so a burst costs a few
 * round trips and one commit per batch instead of four round trips and a commit per event.
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

  /** One transaction for the whole batch; results in the batch's order. */
  private async commit(batch: Pending[]): Promise<IngestResult[]> {
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      const cols = batch.map((p) => eventColumns(p.ev));
      const inserted = await client.query<{ id: string; dedup_key: string }>(
        `INSERT INTO events (dedup_key, received_at, vcc_timestamp, user_id, kinds, payload)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key`,
        [cols.map((c) => c.dedup_key), cols.map((c) => c.received_at), cols.map((c) => c.vcc_timestamp),
          cols.map((c) => c.user_id), cols.map((c) => c.kinds), cols.map((c) => c.payload)],
      );
      const fresh = new Map(inserted.rows.map((r) => [r.dedup_key, Number(r.id)]));
      const missing = cols.map((c) => c.dedup_key).filter((k) => !fresh.has(k));
      const existing = missing.length === 0 ? new Map<string, number>() : new Map((await client.query<{ id: string; dedup_key: string }>(
        'SELECT id, dedup_key FROM events WHERE dedup_key = ANY($1::text[])', [missing],
      )).rows.map((r) => [r.dedup_key, Number(r.id)]));
      // The first occurrence of a new key in the batch is accepted; later ones are duplicates of it.
      const claimed = new Set<string>();
      const results: IngestResult[] = [];
      const rows = { event: [] as number[], channel: [] as string[], kinds: [] as string[], show: [] as string[], at: [] as number[] };
      batch.forEach((p, i) => {
        const key = cols[i]!.dedup_key;
        const id = fresh.get(key);
        if (id === undefined || claimed.has(key)) {
          results.push({ status: 'duplicate', eventId: id ?? existing.get(key)! });
          return;
        }
        claimed.add(key);
        for (const d of p.planned) {
          rows.event.push(id);
          rows.channel.push(d.channel);
          rows.kinds.push(JSON.stringify(d.kinds));
          rows.show.push(JSON.stringify(d.show));
          rows.at.push(p.ev.receivedAt);
        }
        results.push({ status: 'accepted', eventId: id, deliveries: p.planned.length });
      });
      if (rows.event.length > 0) {
        await client.query(
          `INSERT INTO deliveries (event_id, channel, kinds, show, status, attempts, next_attempt_at, created_at, updated_at)
           SELECT e, c, k, s, 'pending', 0, a, a, a FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS t(e, c, k, s, a)`,
          [rows.event, rows.channel, rows.kinds, rows.show, rows.at],
        );
      }
      await client.query('COMMIT');
      return results;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }
}
