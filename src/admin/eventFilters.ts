import { kindNamed, KIND_NAMES_HELP } from '../vcc/changes.ts';
import type { EventSearch } from '../store/eventSearch.ts';

const DAY_MS = 86_400_000;
const MAX_TEXT = 200;

/** The search filters a page or the CSV was asked for, as given (to put back in links and forms). */
export const FILTER_KEYS = ['q', 'user', 'kind', 'since', 'until'] as const;

/**
 * Search filters from a query string: `q` (user id, username, email, or the start of a name),
 * `user` (a user id), `kind` (full or short name), `since` and `until` (a date, `2026-11-30`,
 * whole days in UTC with `until` inclusive, or an ISO time). A bad value gives the reason.
 */
export function parseEventFilters(
  query: Record<string, unknown>,
): { filters: Omit<EventSearch, 'limit'>; given: URLSearchParams } | { error: string } {
  const given = new URLSearchParams();
  const filters: Omit<EventSearch, 'limit'> = {};
  for (const key of FILTER_KEYS) {
    const raw = query[key];
    if (raw === undefined || raw === '') continue;
    if (typeof raw !== 'string' || raw.length > MAX_TEXT)
      return { error: `${key}: one value of at most ${MAX_TEXT} characters` };
    const v = raw.trim();
    if (v === '') continue;
    given.set(key, v);
    if (key === 'q') filters.q = v;
    else if (key === 'user') filters.user = v;
    else if (key === 'kind') {
      const kind = kindNamed(v);
      if (!kind) return { error: `kind: unknown kind "${v}" (kinds: ${KIND_NAMES_HELP})` };
      filters.kind = kind;
    } else {
      const t = dateBound(key, v);
      if (typeof t === 'string') return { error: t };
      filters[key] = t;
    }
  }
  return { filters, given };
}

/**
 * A `since` or `until` filter as a time: a date is a whole UTC day (`until` includes it: the
 * next day's start), else an ISO time; a bad value gives the reason.
 */
export function dateBound(key: 'since' | 'until', v: string): number | string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const t = Date.parse(dateOnly ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(t)) return `${key}: "${v}" is not a date (2026-11-30) or an ISO time`;
  return key === 'until' && dateOnly ? t + DAY_MS : t;
}

/** The `since` / `until` values read from a query string as times (see dateBound), or the first bad one's reason. */
export function dateWindow(v: {
  since?: string;
  until?: string;
}): { since?: number; until?: number } | { error: string } {
  const window: { since?: number; until?: number } = {};
  for (const key of ['since', 'until'] as const) {
    if (v[key] === undefined) continue;
    const t = dateBound(key, v[key]);
    if (typeof t === 'string') return { error: t };
    window[key] = t;
  }
  return window;
}
