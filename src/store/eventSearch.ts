import type { EventKind } from '../vcc/changes.ts';

/** How a username, email or name is kept for search: lower case, at most 200 characters. */
export const searchKey = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v.toLowerCase().slice(0, 200) : null;

/** What `Store.searchEvents` filters on; every given filter must hold. */
export interface EventSearch {
  /** VCC user id, exactly. */
  user?: string;
  /** A user id, username or email (exactly, any case), or the start of a name (any case). */
  q?: string;
  kind?: EventKind;
  /** Received at or after (ms). */
  since?: number;
  /** Received before (ms). */
  until?: number;
  /** Only events older than this id (the next page). */
  beforeId?: number;
  limit: number;
}

/** One page of a search, newest first; `next` is the `beforeId` of the following page, or null. */
export interface EventPage<E> {
  events: E[];
  next: number | null;
}

/**
 * Most rows one page looks at. Every filter but `kind` is served by an index; `kind` is
 * checked on the rows found, so a page reads at most this many and a rare kind across a
 * large store takes several pages (each says where the next starts), never a long scan.
 */
export const SEARCH_SCAN = 2000;

const FAR = Number.MAX_SAFE_INTEGER;

/**
 * The candidate query (ids and kinds, newest first: a page and one more, or SEARCH_SCAN rows
 * when a kind must be checked on them), for either dialect:
 * `param(value)` adds a parameter and returns its placeholder. A date bound also becomes an
 * id bound (the first event received at or after it, by the received_at index), so the scan
 * walks the primary key from the right place instead of sorting a whole date range.
 */
export function searchQuery(f: EventSearch, param: (v: unknown) => string): string {
  const where = [`id < ${param(f.beforeId ?? FAR)}`];
  if (f.user !== undefined) where.push(`user_id = ${param(f.user)}`);
  const q = f.q?.trim();
  if (q) {
    // A union of index lookups drives the query (an OR would let a planner without statistics
    // walk the whole table by id instead): the user id, the indexed keys, and the few events
    // newer than the indexer's progress on their own columns.
    const key = searchKey(q)!;
    const end = `${key}\u{10FFFF}`;
    where.push(`id IN (SELECT id FROM events WHERE user_id = ${param(q)}
      UNION ALL SELECT event_id FROM event_keys WHERE key = ${param(`u${key}`)}
      UNION ALL SELECT event_id FROM event_keys WHERE key = ${param(`e${key}`)}
      UNION ALL SELECT event_id FROM event_keys WHERE key >= ${param(`n${key}`)} AND key < ${param(`n${end}`)}
      UNION ALL SELECT id FROM events WHERE id > (SELECT last_event_id FROM search_progress)
        AND (username_lc = ${param(key)} OR email_lc = ${param(key)} OR (name_lc >= ${param(key)} AND name_lc < ${param(end)})))`);
  }
  const firstAtOrAfter = (t: number) =>
    `COALESCE((SELECT id FROM events WHERE received_at >= ${param(t)} ORDER BY received_at LIMIT 1), ${FAR})`;
  if (f.since !== undefined) where.push(`received_at >= ${param(f.since)}`, `id >= ${firstAtOrAfter(f.since)}`);
  if (f.until !== undefined) where.push(`received_at < ${param(f.until)}`, `id < ${firstAtOrAfter(f.until)}`);
  // Without a kind every candidate is a match: one more than the page says whether there is a next.
  return `SELECT id, kinds FROM events WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${f.kind === undefined ? Math.min(f.limit + 1, SEARCH_SCAN) : SEARCH_SCAN}`;
}

/** Which candidates make the page (the kind filter), and where the next page starts. */
export function pageOf(
  f: EventSearch,
  rows: ReadonlyArray<{ id: number | string; kinds: string }>,
): { ids: number[]; next: number | null } {
  const matching =
    f.kind === undefined ? rows : rows.filter((r) => (JSON.parse(r.kinds) as string[]).includes(f.kind!));
  const ids = matching.slice(0, f.limit).map((r) => Number(r.id));
  if (matching.length > f.limit) return { ids, next: ids[ids.length - 1]! };
  return { ids, next: rows.length === SEARCH_SCAN ? Number(rows[rows.length - 1]!.id) : null };
}

/** Events the search indexer takes per run (one short transaction). */
export const INDEX_BATCH = 5_000;

/**
 * The search indexer's one run, in either dialect (`$name` parameters): the next events after
 * its progress, up to `$limit` and only those received before `$before` (so a batch still
 * committing is not passed over; on Postgres, one taking longer than that margin to commit
 * could be, and its events would then be found by user id only), get their keys (`u` username, `e` email, `n` name) in
 * event_keys, and the progress moves to the last of them. Run in one transaction; the count
 * query first says how many events it covers.
 */
const batch = `SELECT id, received_at, username_lc, email_lc, name_lc FROM events
  WHERE id > (SELECT last_event_id FROM search_progress) ORDER BY id LIMIT $limit`;
const covered = `SELECT id, username_lc, email_lc, name_lc FROM (${batch}) b
  WHERE id < COALESCE((SELECT MIN(id) FROM (${batch}) c WHERE received_at >= $before), ${FAR})`;
export const INDEX_SQL = {
  count: `SELECT COUNT(*) AS n FROM (${covered}) x`,
  keys: `INSERT INTO event_keys (event_id, key)
    SELECT id, k FROM (SELECT id, 'u' || username_lc AS k FROM (${covered}) a
      UNION ALL SELECT id, 'e' || email_lc FROM (${covered}) b
      UNION ALL SELECT id, 'n' || name_lc FROM (${covered}) c) x WHERE k IS NOT NULL ORDER BY id`,
  progress: `UPDATE search_progress SET last_event_id = COALESCE((SELECT MAX(id) FROM (${covered}) x), last_event_id)`,
};

/**
 * Deletes the keys of at most `$limit` events that are gone (retention): those below the oldest
 * stored event. Keys of an event kept past retention (a pending delivery) stay until it goes;
 * a dangling key finds nothing, as search reads events.
 */
export const PRUNE_KEYS_SQL =
  'DELETE FROM event_keys WHERE event_id IN (SELECT event_id FROM event_keys WHERE event_id < (SELECT COALESCE(MIN(id), 0) FROM events) ORDER BY event_id LIMIT $limit)';

/** `$name` parameters as SQLite names them (`@name`); the values go as the same object. */
export const atNamed = (sql: string): string => sql.replace(/\$([a-z]+)/g, '@$1');

/** `$name` parameters as Postgres numbers them (`$1`...), and the values in that order. */
export function numbered(sql: string, params: Record<string, unknown>): [string, unknown[]] {
  const names = Object.keys(params);
  return [sql.replace(/\$([a-z]+)/g, (_m, k: string) => `$${names.indexOf(k) + 1}`), Object.values(params)];
}
