// Values on their way into either dialect's columns. Every numeric column is an integer
// (BIGINT in Postgres, INTEGER in SQLite): millisecond times, ids, counts. SQLite would keep a
// fraction as REAL; Postgres refuses it (22P02) on every retry. So both get the same integer.

/** The largest magnitude kept: 2^53 - 1 ms is year 287,396, "never" for a time, and fits BIGINT. */
const BOUND = Number.MAX_SAFE_INTEGER;

/**
 * A number as an integer column keeps it: rounded to the nearest integer, -0 as 0, and beyond
 * ±(2^53 - 1) (infinity included) held at that bound. NaN has no meaning as a time or a count:
 * it throws a TypeError, which the store reports as a write it refuses.
 */
export function storeInt(n: number): number {
  if (Number.isNaN(n)) throw new TypeError('NaN cannot be stored in an integer column');
  const r = Math.round(n);
  if (r === 0) return 0;
  return Math.max(-BOUND, Math.min(BOUND, r));
}

/** A parameter with each number (also inside an array) through storeInt; other values as they are. */
export function storeValue(v: unknown): unknown {
  if (typeof v === 'number') return storeInt(v);
  if (Array.isArray(v)) return v.map(storeValue);
  return v;
}

/** Positional or named parameters, each through storeValue. */
export function storeParams<P extends readonly unknown[] | Record<string, unknown>>(params: P): P {
  if (Array.isArray(params)) return params.map(storeValue) as unknown as P;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, storeValue(v)])) as P;
}
