import type { UserField } from '../vcc/user.ts';
import { compilePattern, type Pattern } from './pattern.ts';

export type Scalar = string | number | boolean | null;

/**
 * A `where` condition on one field of the user after the change:
 * equality (`true`, `4`), any-of (`[4, 5]`), none-of (`{ not: [admin, test] }`),
 * or a regular expression (`{ matches: "@example\\.com$" }`, RE2 syntax: see pattern.ts).
 */
export type Condition = Scalar | Scalar[] | { not: Scalar[] } | { matches: Pattern };

/** A where term as typed in chat (`privGroup=4,5`), kept for `list` and for storing. */
export interface WhereTerm {
  field: UserField;
  op: '=' | '!=' | '~';
  values: string[];
}

/**
 * A compiled condition, or why it cannot be compiled. A result object, not `Condition | string`:
 * a plain string value (`username: admin`) is itself a valid condition.
 */
export type Compiled = { ok: true; condition: Condition } | { ok: false; error: string };

/** Compiles a where condition from its YAML form. */
export function compileCondition(c: unknown): Compiled {
  if (c !== null && typeof c === 'object' && !Array.isArray(c)) {
    if ('matches' in c) {
      const pattern = compilePattern(String((c as { matches: unknown }).matches));
      return typeof pattern === 'string'
        ? { ok: false, error: pattern }
        : { ok: true, condition: { matches: pattern } };
    }
    const not = (c as { not: Scalar | Scalar[] }).not;
    return { ok: true, condition: { not: Array.isArray(not) ? not : [not] } };
  }
  return { ok: true, condition: c as Condition };
}

/** The condition a chat where term stands for (an error only for a bad regex). */
export function termCondition(t: WhereTerm): Compiled {
  if (t.op === '~') return compileCondition({ matches: t.values[0] });
  const vals = t.values.map((v) => (v === 'true' ? true : v === 'false' ? false : v));
  if (t.op === '!=') return { ok: true, condition: { not: vals } };
  return { ok: true, condition: vals.length === 1 ? vals[0]! : vals };
}

export function describeTerm(t: WhereTerm): string {
  return `${t.field}${t.op}${t.values.join(',')}`;
}

/** A condition as the config file would write it, for pages and listings. */
export function describeCondition(c: Condition): string {
  return c !== null && typeof c === 'object' && 'matches' in c ? `matches ${String(c.matches)}` : JSON.stringify(c);
}

// Objects (inside messageLists) as JSON: String() would call a toString the body itself may define.
const text = (v: unknown) =>
  v === null || v === undefined ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
const same = (a: unknown, b: Scalar) => ((a ?? null) === null ? b === null : b !== null && text(a) === text(b));
const show = (v: unknown) => JSON.stringify(v ?? null);

/** Whether one condition holds for `value`: conditionFailure's rule, without building its explanation (the hot paths). */
export function conditionHolds(c: Condition, value: unknown): boolean {
  if (Array.isArray(c)) return c.some((x) => same(value, x));
  if (c !== null && typeof c === 'object' && 'not' in c) return !c.not.some((x) => same(value, x));
  if (c !== null && typeof c === 'object' && 'matches' in c)
    return value !== null && value !== undefined && c.matches.test(text(value));
  return same(value, c);
}

/** Why one condition fails for `value`, or null when it holds. */
export function conditionFailure(field: string, c: Condition, value: unknown): string | null {
  if (conditionHolds(c, value)) return null;
  if (Array.isArray(c)) return `where.${field}: ${show(value)} is not any of ${show(c)}`;
  if (c !== null && typeof c === 'object' && 'not' in c)
    return `where.${field}: ${show(value)} is excluded by not ${show(c.not)}`;
  if (c !== null && typeof c === 'object' && 'matches' in c) {
    if (value === null || value === undefined) return `where.${field}: no value to match ${c.matches}`;
    return `where.${field}: ${show(value)} does not match ${c.matches}`;
  }
  return `where.${field}: ${show(value)} is not ${show(c)}`;
}
