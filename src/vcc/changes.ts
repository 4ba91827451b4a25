import { isDeepStrictEqual } from 'node:util';
import { USER_FIELDS, WAGE_FIELDS, type User, type UserField, type VccUserEvent } from './user.ts';
import { FIELDS } from './fields.ts';
import { EVENT_KINDS, SHORT_KINDS, type EventKind } from './kinds.ts';

export { EVENT_KINDS, SHORT_KINDS, type EventKind };

export const isEventKind = (s: string): s is EventKind => (EVENT_KINDS as readonly string[]).includes(s);

/** The kind a typed name means (full or short), or null. */
export const kindNamed = (s: string): EventKind | null =>
  isEventKind(s) ? s : Object.hasOwn(SHORT_KINDS, s) ? SHORT_KINDS[s]! : null;

/** For messages: the names `kindNamed` accepts. */
export const KIND_NAMES_HELP = `${Object.keys(SHORT_KINDS).join(', ')} or ${EVENT_KINDS.join(', ')}`;

/**
 * One thing that changed. `field` is null for `user.created` and `user.password_changed`
 * (whose before/after are always null: the password is never carried). `sensitive` marks
 * values that are hidden unless a route asks for them (wages).
 */
export interface Change {
  kind: EventKind;
  field: UserField | null;
  before: unknown;
  after: unknown;
  sensitive: boolean;
}

/** The kind a field's change is (fields.ts `changes`; any other field: `user.updated`). */
const kindOfField = (f: UserField): EventKind => (FIELDS[f] as { changes?: EventKind }).changes ?? 'user.updated';

/**
 * Classifies `(old, new)` into changes, in USER_FIELDS order. A created user is one
 * `user.created` change. For a changed user, a field counts only when VCC sent it on both
 * sides (absent is "unknown", not "changed"); a password entered is `user.password_changed`.
 * An empty list means nothing changed: the event is recorded and nothing is sent.
 */
export function classifyChanges(ev: VccUserEvent): Change[] {
  if (ev.old === null) {
    return [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }];
  }
  const changes: Change[] = [];
  for (const field of USER_FIELDS) {
    if (!(field in ev.old) || !(field in ev.new)) continue;
    const before = ev.old[field];
    const after = ev.new[field];
    if (isDeepStrictEqual(before, after)) continue;
    changes.push({
      kind: kindOfField(field),
      field,
      before,
      after,
      sensitive: WAGE_FIELDS.has(field),
    });
  }
  if (ev.passwordSet) {
    changes.push({ kind: 'user.password_changed', field: null, before: null, after: null, sensitive: true });
  }
  return changes;
}

/** The distinct kinds in a change list, in EVENT_KINDS order. */
export function kindsOf(changes: readonly Change[]): EventKind[] {
  const present = new Set(changes.map((c) => c.kind));
  return EVENT_KINDS.filter((k) => present.has(k));
}

export type { User, UserField };
