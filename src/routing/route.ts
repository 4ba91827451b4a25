import type { Change, EventKind } from '../vcc/changes.ts';
import type { User, UserField } from '../vcc/user.ts';
import type { PlannedDelivery } from '../store/Store.ts';
import type { Pattern } from './pattern.ts';

export type Scalar = string | number | boolean | null;

/**
 * A `where` condition on one field of the user after the change:
 * equality (`true`, `4`), any-of (`[4, 5]`), none-of (`{ not: [admin, test] }`),
 * or a regular expression (`{ matches: "@example\\.com$" }`, RE2 syntax: see pattern.ts).
 */
export type Condition = Scalar | Scalar[] | { not: Scalar[] } | { matches: Pattern };

export interface Route {
  channel: string;
  /** Omitted: every kind. */
  events?: EventKind[];
  where?: Partial<Record<UserField, Condition>>;
  /** Rendering options; `wages` shows wage values. */
  show?: string[];
  /** Where the route comes from: the config file, or a chat subscription. */
  source?: 'file' | 'chat';
}

export interface RouteExplanation {
  index: number;
  channel: string;
  matched: boolean;
  /** Why: the first condition that failed, or what matched. */
  reason: string;
  kinds: EventKind[];
}

// Objects (inside messageLists) as JSON: String() would call a toString the body itself may define.
const text = (v: unknown) => (v === null || v === undefined ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const same = (a: unknown, b: Scalar) => (a ?? null) === null ? b === null : b !== null && text(a) === text(b);
const show = (v: unknown) => JSON.stringify(v ?? null);

/** Why one condition fails for `value`, or null when it holds. */
function failure(field: string, c: Condition, value: unknown): string | null {
  if (Array.isArray(c)) {
    return c.some((x) => same(value, x)) ? null : `where.${field}: ${show(value)} is not any of ${show(c)}`;
  }
  if (c !== null && typeof c === 'object' && 'not' in c) {
    return c.not.some((x) => same(value, x)) ? `where.${field}: ${show(value)} is excluded by not ${show(c.not)}` : null;
  }
  if (c !== null && typeof c === 'object' && 'matches' in c) {
    if (value === null || value === undefined) return `where.${field}: no value to match ${c.matches}`;
    return c.matches.test(text(value)) ? null : `where.${field}: ${show(value)} does not match ${c.matches}`;
  }
  return same(value, c) ? null : `where.${field}: ${show(value)} is not ${show(c)}`;
}

/**
 * For each route: does it want this event, and why. A route matches when the event has
 * one of its kinds (all, when `events` is omitted) and every `where` condition holds on
 * the user after the change. Pure.
 */
export function explainRoutes(user: Partial<User>, changes: readonly Change[], routes: readonly Route[]): RouteExplanation[] {
  const present = new Set(changes.map((c) => c.kind));
  return routes.map((r, index) => {
    const base = { index, channel: r.channel };
    const kinds = [...present].filter((k) => !r.events || r.events.includes(k));
    if (present.size === 0) return { ...base, matched: false, reason: 'nothing changed', kinds };
    if (kinds.length === 0) {
      return { ...base, matched: false, kinds, reason: `events: ${[...present].join(', ')} not in [${r.events!.join(', ')}]` };
    }
    for (const [field, cond] of Object.entries(r.where ?? {}) as Array<[UserField, Condition]>) {
      const why = failure(field, cond, user[field]);
      if (why) return { ...base, matched: false, reason: why, kinds: [] };
    }
    const conds = Object.keys(r.where ?? {});
    return { ...base, matched: true, kinds, reason: `kinds ${kinds.join(', ')}${conds.length ? `; where ${conds.join(', ')} hold` : ''}` };
  });
}

/** True when every `where` condition holds on `user` (no explanation is built). */
function whereHolds(user: Partial<User>, where: Route['where']): boolean {
  for (const field in where) {
    if (failure(field, where[field as UserField]!, user[field as UserField]) !== null) return false;
  }
  return true;
}

/**
 * The deliveries an event needs: one per channel that any route matched (the same rule as
 * explainRoutes), with the union of the matched kinds in change order and the `show`
 * options of that channel's routes, in first-match order. Pure; builds no explanations.
 */
export function planDeliveries(user: Partial<User>, changes: readonly Change[], routes: readonly Route[]): PlannedDelivery[] {
  if (changes.length === 0) return [];
  const byChannel = new Map<string, { kinds: EventKind[]; show: string[] }>();
  for (const r of routes) {
    const kinds: EventKind[] = [];
    for (const c of changes) {
      if ((!r.events || r.events.includes(c.kind)) && !kinds.includes(c.kind)) kinds.push(c.kind);
    }
    if (kinds.length === 0 || (r.where && !whereHolds(user, r.where))) continue;
    const acc = byChannel.get(r.channel);
    if (!acc) {
      byChannel.set(r.channel, { kinds, show: [...(r.show ?? [])] });
      continue;
    }
    for (const k of kinds) if (!acc.kinds.includes(k)) acc.kinds.push(k);
    for (const o of r.show ?? []) if (!acc.show.includes(o)) acc.show.push(o);
  }
  const order = changes.map((c) => c.kind);
  return [...byChannel].map(([channel, acc]) => ({
    channel,
    kinds: acc.kinds.sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    show: acc.show.sort(),
  }));
}
