import type { Change, EventKind } from '../vcc/changes.ts';
import { USER_FIELDS, type User, type UserField } from '../vcc/user.ts';
import { FIELDS } from '../vcc/fields.ts';
import { labelOf, type Labels } from './labels.ts';

// What templates see of an event (the scope and its lazy user views) and the wording of fields.

/** Each field's name for people, from the field table (src/vcc/fields.ts). */
export const FIELD_LABELS = Object.fromEntries(USER_FIELDS.map((f) => [f, FIELDS[f].label])) as Record<
  UserField,
  string
>;

export const TRANSPORTS: Record<string, string> = {
  global: 'global default',
  'sip-tcp': 'SIP/TCP',
  'sip-udp': 'SIP/UDP',
  'encrypted-dip': 'encrypted (TLS/SRTP)',
};

/** Longest webhook value placed in a message; longer ones are cut with an ellipsis. */
const MAX_VALUE = 200;

/**
 * A webhook value as people read it: `(none)` for nothing (an empty list too), a list as its
 * items separated by commas (`technical, sales`), an object as JSON; cut at MAX_VALUE.
 */
export const plain = (v: unknown): string => {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return '(none)';
  const item = (x: unknown) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x));
  const s = Array.isArray(v) ? v.map(item).join(', ') : item(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
};

/** What a kind template renders against. */
export interface Scope {
  readonly user: Record<UserField, unknown>;
  readonly old: Record<UserField, unknown> | null;
  event: { id: number; userId: string | null; readonly receivedAt: string; vccTimestamp: string | null };
  kinds: EventKind[];
  change:
    | ReturnType<typeof changeView>
    | { field: null; label: string; before: null; after: null; beforeCode: null; afterCode: null; hidden: boolean };
}

/** `scope` with another `change`; `user` and `old` stay lazy (a spread would build them). */
export function withChange(scope: Scope, change: Scope['change']): Scope {
  return {
    get user() {
      return scope.user;
    },
    get old() {
      return scope.old;
    },
    event: scope.event,
    kinds: scope.kinds,
    change,
  };
}

/** Every field present (null when VCC did not send it or when hidden). */
export function fullUser(u: Partial<User>, hide: ReadonlySet<UserField>): Record<UserField, unknown> {
  const out = {} as Record<UserField, unknown>;
  for (const f of USER_FIELDS) out[f] = hide.has(f) ? null : (u[f] ?? null);
  return out;
}

/**
 * One change as templates see it: `before` and `after` are the values' labels where the
 * config or the built-ins have one (`Team lead`, `on`), else the values; `beforeCode` and
 * `afterCode` are always the values VCC sent. Hidden fields show null in all four.
 */
export function changeView(c: Change, hide: ReadonlySet<UserField>, labels: Labels) {
  const hidden = c.field !== null && hide.has(c.field);
  const label = (v: unknown) => (c.field === null ? null : labelOf(labels, c.field, v));
  return {
    kind: c.kind,
    field: c.field,
    label: c.field ? FIELD_LABELS[c.field] : '',
    before: hidden ? null : (label(c.before) ?? c.before),
    after: hidden ? null : (label(c.after) ?? c.after),
    beforeCode: hidden ? null : c.before,
    afterCode: hidden ? null : c.after,
    hidden,
  };
}
