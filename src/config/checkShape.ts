import { validate, type Struct } from 'superstruct';
import { pathText as fmt, reasonFor } from './problems.ts';

/** The line of a config path in the file, as ` (line N)`, or ''. */
export type At = (path: Array<string | number>) => string;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const CONDITION_HINT = 'a value, a list of values, { not: VALUE or LIST } or { matches: REGEX }';

/** Checks `value` against `shape`, adding one line per problem; `what` names the shape in "required for ...". */
export function check(
  value: unknown,
  shape: Struct<any, any>,
  base: Array<string | number>,
  problems: string[],
  at: At,
  what?: string,
): boolean {
  const [err] = validate(value, shape);
  if (!err) return true;
  const seen = new Set<string>();
  for (const f of err.failures()) {
    const p = [...base, ...f.path];
    const place = fmt(p);
    // One line per place: a union also reports each of its branches, at and under its path.
    if ([...seen].some((s) => place === s || place.startsWith(`${s}.`) || place.startsWith(`${s}[`))) continue;
    seen.add(place);
    const reason =
      f.type === 'union' && f.path.includes('where')
        ? `invalid condition ${JSON.stringify(f.value)} (expected ${CONDITION_HINT})`
        : reasonFor(f, shape, what);
    problems.push(`${place}${at(p)}: ${reason}`);
  }
  return false;
}
