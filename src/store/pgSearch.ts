import type pg from 'pg';
import type { StoredEvent } from './Store.ts';
import { toEvent, type EventRow } from './rows.ts';
import { pgParams } from './pgBoundary.ts';
import {
  INDEX_BATCH,
  INDEX_SQL,
  PRUNE_KEYS_SQL,
  numbered,
  pageOf,
  searchQuery,
  type EventPage,
  type EventSearch,
} from './eventSearch.ts';

// Event search on Postgres (eventSearch.ts holds the queries both stores share).

type Query = <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => Promise<R[]>;

export async function pgSearchEvents(q: Query, f: EventSearch): Promise<EventPage<StoredEvent>> {
  const values: unknown[] = [];
  const rows = await q<{ id: string; kinds: string }>(
    searchQuery(f, (v) => {
      values.push(v);
      return `$${values.length}`;
    }),
    values,
  );
  const { ids, next } = pageOf(f, rows);
  const events =
    ids.length === 0
      ? []
      : (await q<EventRow>('SELECT * FROM events WHERE id = ANY($1::bigint[]) ORDER BY id DESC', [ids])).map(toEvent);
  return { events, next };
}

/** One indexer run in the transaction `c` (see INDEX_SQL); returns how many events it indexed. */
export async function pgIndexSearch(c: pg.PoolClient, before: number): Promise<number> {
  const run = (sql: string, params: Record<string, unknown>) => {
    const [text, values] = numbered(sql, params);
    return c.query(text, pgParams(values));
  };
  const params = { limit: INDEX_BATCH, before };
  // One indexer at a time across instances: the others wait, then find nothing left to do.
  await c.query('SELECT last_event_id FROM search_progress FOR UPDATE');
  const {
    rows: [count],
  } = await run(INDEX_SQL.count, params);
  await run(INDEX_SQL.keys, params);
  await run(INDEX_SQL.progress, params);
  await run(PRUNE_KEYS_SQL, { limit: INDEX_BATCH });
  return Number((count as { n: string }).n);
}
