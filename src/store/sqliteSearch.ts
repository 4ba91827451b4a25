import type Database from 'better-sqlite3';
import type { StoredEvent } from './Store.ts';
import { toEvent, type EventRow } from './rows.ts';
import type { SqliteWrites } from './sqliteWrites.ts';
import {
  INDEX_BATCH,
  INDEX_SQL,
  PRUNE_KEYS_SQL,
  atNamed,
  pageOf,
  searchQuery,
  type EventPage,
  type EventSearch,
} from './eventSearch.ts';

// Event search on SQLite (eventSearch.ts holds the queries both stores share).

export function sqliteSearchEvents(prep: (sql: string) => Database.Statement, f: EventSearch): EventPage<StoredEvent> {
  const values: unknown[] = [];
  const rows = prep(
    searchQuery(f, (v) => {
      values.push(v);
      return '?';
    }),
  ).all(...values) as Array<{ id: number; kinds: string }>;
  const { ids, next } = pageOf(f, rows);
  const events =
    ids.length === 0
      ? []
      : (
          prep('SELECT * FROM events WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id DESC').all(
            JSON.stringify(ids),
          ) as EventRow[]
        ).map(toEvent);
  return { events, next };
}

/** One indexer run as one write batch of the writer (see INDEX_SQL); returns how many events it indexed. */
export async function sqliteIndexSearch(writes: SqliteWrites, before: number): Promise<number> {
  const params = { limit: INDEX_BATCH, before };
  const [count] = await writes.steps(
    { sql: atNamed(INDEX_SQL.count), params, mode: 'get' },
    { sql: atNamed(INDEX_SQL.keys), params, mode: 'run' },
    { sql: atNamed(INDEX_SQL.progress), params, mode: 'run' },
    { sql: atNamed(PRUNE_KEYS_SQL), params: { limit: INDEX_BATCH }, mode: 'run' },
  );
  return (count as { n: number }).n;
}
