import type { CheckedOut } from './pgPools.ts';
import { StoreUnavailableError, type IngestResult, type NewEvent, type PlannedDelivery } from './Store.ts';
import { eventColumns } from './rows.ts';
import { pgServerTrouble, pgText, pgUnavailable } from './pgBoundary.ts';

interface Pending {
  ev: NewEvent;
  planned: readonly PlannedDelivery[];
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/** Most events in one transaction. */
const MAX_BATCH = 500;
/**
 * Batches committing at once: while one does, new ingests queue into the next. One: a
 * statement's fixed cost to Postgres (round trip, executor start, WAL flush) outweighs that of
 * its rows, so under load fewer, larger batches carry the same events for less CPU.
 */
const MAX_IN_FLIGHT = 1;

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

  constructor(private readonly connect: () => Promise<CheckedOut>) {}

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
      // No connection (already a StoreUnavailableError from `connect`), a lock or statement
      // timeout, a broken connection: every event in the batch fails now, not one by one
      // after a timeout each. Only an error of the rows themselves is retried per event.
      if (batch.length === 1 || e instanceof StoreUnavailableError || pgServerTrouble(e)) {
        const err = e instanceof StoreUnavailableError ? e : pgUnavailable(e, 'Postgres transaction failed');
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) await this.run([p]);
    }
  }

  /**
   * The whole batch in one statement (so one round trip and one implicit transaction): events
   * and their deliveries are inserted together, in the batch's order (delivery ids follow event
   * order, which the worker sends in). Results in the batch's order. The statement is prepared
   * once per connection (named) and scans no table (conflicts are found by the unique index),
   * so its cached plan cannot go stale as the store grows. Repeats of stored events cost a
   * second, indexed lookup.
   */
  private async commit(batch: Pending[]): Promise<IngestResult[]> {
    const cols = batch.map((p) => eventColumns(p.ev));
    const { rows, firstOf } = deliveryColumns(batch, cols);
    const { client, release } = await this.connect();
    let failed = false;
    try {
      const found = await client.query<{ id: string; dedup_key: string }>(
        { name: 'vcc_notify_ingest', text: INGEST_SQL },
        [
          JSON.stringify(cols.map((c) => c.dedup_key)),
          JSON.stringify(cols.map((c) => c.received_at)),
          texts(cols.map((c) => c.vcc_timestamp)),
          texts(cols.map((c) => c.user_id)),
          jsonArray(cols.map((c) => c.kinds)),
          jsonArray(cols.map((c) => c.payload)),
          JSON.stringify(rows.key),
          texts(rows.channel),
          jsonArray(rows.kinds),
          jsonArray(rows.show),
          JSON.stringify(rows.at),
          texts(cols.map((c) => c.username_lc)),
          texts(cols.map((c) => c.email_lc)),
          texts(cols.map((c) => c.name_lc)),
          jsonArray(rows.mention),
          jsonArray(rows.hours),
          JSON.stringify(rows.review),
        ],
      );
      const fresh = new Map(found.rows.map((r) => [r.dedup_key, Number(r.id)]));
      // A key not inserted was there before, or was committed by a concurrent batch: either
      // way it is found now, after this statement committed (rare: duplicates only).
      const existing = new Map<string, number>();
      const known = [...firstOf.keys()].filter((k) => !fresh.has(k));
      if (known.length > 0) {
        const more = await client.query<{ id: string; dedup_key: string }>(
          'SELECT id, dedup_key FROM events WHERE dedup_key = ANY($1::text[])',
          [known],
        );
        for (const r of more.rows) existing.set(r.dedup_key, Number(r.id));
      }
      return batch.map((p, i): IngestResult => {
        const key = cols[i]!.dedup_key;
        const id = fresh.get(key);
        if (id !== undefined && firstOf.get(key) === i)
          return { status: 'accepted', eventId: id, deliveries: p.planned.length };
        return { status: 'duplicate', eventId: id ?? existing.get(key)! };
      });
    } catch (e) {
      failed = pgServerTrouble(e);
      throw e;
    } finally {
      release(failed);
    }
  }
}

/**
 * The batch's deliveries as columns, only for the first occurrence of each dedup key (later
 * ones are its duplicates), and where each key first occurs.
 */
function deliveryColumns(batch: Pending[], cols: Array<ReturnType<typeof eventColumns>>) {
  const rows = {
    key: [] as string[],
    channel: [] as string[],
    kinds: [] as string[],
    show: [] as string[],
    mention: [] as string[],
    hours: [] as string[],
    review: [] as number[],
    at: [] as number[],
  };
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
      rows.hours.push(d.hours ? JSON.stringify(d.hours) : 'null');
      rows.review.push(d.review ? 1 : 0);
      rows.at.push(cols[i]!.received_at);
    }
  });
  return { rows, firstOf };
}

/**
 * JSON texts (each already valid JSON, from JSON.stringify) as one JSON array: joined, not
 * encoded again, so a payload's quotes are not escaped a second time.
 */
const jsonArray = (jsons: readonly string[]): string => `[${jsons.join(',')}]`;

/** Strings (or nulls) as one JSON array, each through pgText. */
const texts = (xs: ReadonlyArray<string | null>): string =>
  JSON.stringify(xs.map((x) => (x === null ? null : pgText(x))));

/**
 * Inserts the batch's new events (a known dedup key does nothing) and the deliveries of those
 * inserted, and returns the inserted events' ids and keys. Columns arrive as JSON arrays,
 * one per column, zipped by ROWS FROM: JSON.stringify is native and allocates one string per
 * column, where a text[] parameter escaped every element in JavaScript. JSON columns (payload,
 * kinds, show, mention, hours) are kept as their element's text, exactly as JSON.stringify wrote it.
 * Dedup keys are the webhook's base64url digests: nothing in them for pgText to change.
 */
const INGEST_SQL = `
  WITH ins AS (
    INSERT INTO events (dedup_key, received_at, vcc_timestamp, user_id, kinds, payload, username_lc, email_lc, name_lc)
    SELECT k, r::bigint, v, u, ki::text, p::text, un, em, na
    FROM ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json), json_array_elements_text($3::json),
      json_array_elements_text($4::json), json_array_elements($5::json), json_array_elements($6::json),
      json_array_elements_text($12::json), json_array_elements_text($13::json), json_array_elements_text($14::json))
      WITH ORDINALITY AS t(k, r, v, u, ki, p, un, em, na, n)
    ORDER BY n
    ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key
  ), dl AS (
    INSERT INTO deliveries (event_id, channel, kinds, show, mention, status, attempts, next_attempt_at, created_at, updated_at, hours, review)
    SELECT ins.id, d.c, d.k::text, d.s::text, d.m::text, 'pending', 0, d.a::bigint, d.a::bigint, d.a::bigint,
      NULLIF(d.h::text, 'null'), d.rv::integer
    FROM ROWS FROM (json_array_elements_text($7::json), json_array_elements_text($8::json), json_array_elements($9::json),
      json_array_elements($10::json), json_array_elements_text($11::json), json_array_elements($15::json),
      json_array_elements($16::json), json_array_elements_text($17::json))
      WITH ORDINALITY AS d(key, c, k, s, a, m, h, rv, n)
    JOIN ins ON ins.dedup_key = d.key
    ORDER BY d.n
  )
  SELECT id, dedup_key FROM ins`;
