import type { UserField } from '../vcc/user.ts';

/**
 * Words for coded values, per field (`labels:` in the config): `{ privGroup: { "4": "Team lead" } }`.
 * Keys are the values as text, as VCC sends them (`4`, `true`).
 */
export type Labels = Partial<Record<UserField, Readonly<Record<string, string>>>>;

/** What every install gets unless its config says otherwise for that value. */
export const BUILTIN_LABELS: Labels = {
  isAgent: { true: 'yes', false: 'no' },
  redistribution: { 0: 'off', 1: 'on' },
};

/**
 * The label of a field's value: the config's, else the built-in one, else null. A list (such
 * as messageLists) reads item by item (`Technical, sales`) when any of its items has a label.
 */
export function labelOf(labels: Labels, field: UserField, value: unknown): string | null {
  if (Array.isArray(value)) {
    const each = value.map((v) => labelOf(labels, field, v));
    return each.some((l) => l !== null) ? each.map((l, i) => l ?? String(value[i])).join(', ') : null;
  }
  if (value === null || value === undefined || typeof value === 'object') return null;
  const key = String(value);
  for (const table of [labels[field], BUILTIN_LABELS[field]]) {
    if (table && Object.hasOwn(table, key)) return table[key]!;
  }
  return null;
}
