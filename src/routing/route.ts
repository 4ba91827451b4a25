import type { Change, EventKind } from '../vcc/changes.ts';
import type { User, UserField } from '../vcc/user.ts';
import { conditionFailure, conditionHolds, type Condition } from './conditions.ts';

/**
 * Someone a route pages on purpose (`mention:`), as its channel's platform spells it: a Slack
 * user (`U0123ABCD`), user group (`S0123ABCD`), `here` or `channel`; a Teams person `{ id, name }`.
 * Only configuration makes mentions; text from VCC never does.
 */
export type Mention = string | { id: string; name: string };

/** Each mention once (the same id, or the same `{ id, name }`), in first-seen order. */
export function uniqueMentions(ms: Iterable<Mention>): Mention[] {
  const seen = new Map<string, Mention>();
  for (const m of ms) {
    const key = JSON.stringify(m);
    if (!seen.has(key)) seen.set(key, m);
  }
  return [...seen.values()];
}

/**
 * Hours a route puts on what it sends (`active:` / `quiet:` on a route): names of the config's
 * `time_intervals:`, looked up when the delivery is read, so a reloaded interval applies.
 */
export interface RouteHours {
  mode: 'active' | 'quiet';
  intervals: string[];
}

/** What routing decided for one channel at ingest; the channel's settings are read at send time. */
export interface PlannedDelivery {
  channel: string;
  /** The kinds this channel subscribed to, among the event's kinds. */
  kinds: EventKind[];
  /** Route options that change rendering, e.g. `wages` shows wage values. */
  show: string[];
  /** Whom the matched routes page, in first-match order (none when absent). */
  mention?: Mention[];
  /**
   * The matched routes' hours, when every matched route has hours and none counts the event
   * urgent: the delivery waits while each of them is quiet. Absent: sent at once.
   */
  hours?: RouteHours[];
  /** A matched route asks the channel's reviewers for a decision on this event. */
  review?: true;
}

export interface Route {
  channel: string;
  /** Omitted: every kind. */
  events?: EventKind[];
  where?: Partial<Record<UserField, Condition>>;
  /** Rendering options; `wages` shows wage values. */
  show?: string[];
  /** Whom to page when this route matches (validated for the channel's type). */
  mention?: Mention[];
  /** When what it sends may go out (`active:` / `quiet:`), and the kinds that go at once regardless (`urgent:`). */
  hours?: RouteHours;
  /** What it sends asks the channel's reviewers for a decision (Expected / Not expected). */
  review?: true;
  urgent?: EventKind[];
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

/**
 * For each route: does it want this event, and why. A route matches when the event has
 * one of its kinds (all, when `events` is omitted) and every `where` condition holds on
 * the user after the change. Pure.
 */
export function explainRoutes(
  user: Partial<User>,
  changes: readonly Change[],
  routes: readonly Route[],
): RouteExplanation[] {
  const present = new Set(changes.map((c) => c.kind));
  return routes.map((r, index) => {
    const base = { index, channel: r.channel };
    const kinds = [...present].filter((k) => !r.events || r.events.includes(k));
    if (present.size === 0) return { ...base, matched: false, reason: 'nothing changed', kinds };
    if (kinds.length === 0) {
      return {
        ...base,
        matched: false,
        kinds,
        reason: `events: ${[...present].join(', ')} not in [${r.events!.join(', ')}]`,
      };
    }
    for (const [field, cond] of Object.entries(r.where ?? {}) as Array<[UserField, Condition]>) {
      const why = conditionFailure(field, cond, user[field]);
      if (why) return { ...base, matched: false, reason: why, kinds: [] };
    }
    const conds = Object.keys(r.where ?? {});
    return {
      ...base,
      matched: true,
      kinds,
      reason: `kinds ${kinds.join(', ')}${conds.length ? `; where ${conds.join(', ')} hold` : ''}`,
    };
  });
}

/** True when every `where` condition holds on `user` (no explanation is built). */
function whereHolds(user: Partial<User>, where: Route['where']): boolean {
  for (const field in where) {
    if (!conditionHolds(where[field as UserField]!, user[field as UserField])) return false;
  }
  return true;
}

/**
 * The deliveries an event needs: one per channel that any route matched (the same rule as
 * explainRoutes), with the union of the matched kinds in change order and the `show`
 * options of that channel's routes, in first-match order. Pure; builds no explanations.
 */
export function planDeliveries(
  user: Partial<User>,
  changes: readonly Change[],
  routes: readonly Route[],
): PlannedDelivery[] {
  if (changes.length === 0) return [];
  const byChannel = new Map<string, Gathered>();
  for (const r of routes) {
    const kinds: EventKind[] = [];
    for (const c of changes) {
      if ((!r.events || r.events.includes(c.kind)) && !kinds.includes(c.kind)) kinds.push(c.kind);
    }
    if (kinds.length === 0 || (r.where && !whereHolds(user, r.where))) continue;
    const acc = byChannel.get(r.channel) ?? { kinds: [], show: [], mention: [], hours: [], review: false };
    byChannel.set(r.channel, acc);
    for (const k of kinds) if (!acc.kinds.includes(k)) acc.kinds.push(k);
    for (const o of r.show ?? []) if (!acc.show.includes(o)) acc.show.push(o);
    acc.mention.push(...(r.mention ?? []));
    acc.hours = gatherHours(acc.hours, r, kinds);
    acc.review ||= r.review === true;
  }
  const order = changes.map((c) => c.kind);
  return [...byChannel].map(([channel, acc]) => ({
    channel,
    kinds: acc.kinds.sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    show: acc.show.sort(),
    ...(acc.mention.length ? { mention: uniqueMentions(acc.mention) } : {}),
    ...(acc.hours?.length ? { hours: acc.hours } : {}),
    ...(acc.review ? { review: true as const } : {}),
  }));
}

/** One channel's share of the matched routes; `hours` null once a matched route sends at once. */
type Gathered = { kinds: EventKind[]; show: string[]; mention: Mention[]; hours: RouteHours[] | null; review: boolean };

/** The hours so far with matched route `r`'s: null (at once) when it has none or `kinds` has one of its urgent kinds. */
function gatherHours(sofar: RouteHours[] | null, r: Route, kinds: readonly EventKind[]): RouteHours[] | null {
  if (sofar === null || !r.hours || kinds.some((k) => r.urgent?.includes(k))) return null;
  const key = JSON.stringify(r.hours);
  return sofar.some((h) => JSON.stringify(h) === key) ? sofar : [...sofar, r.hours];
}

/**
 * What `resend` queues for a stored event, to send now: to `channel`, with the kinds and `show` its routes
 * would give it now, or every kind of the event (nothing shown beyond the defaults) when no
 * route wants it; without a channel, to every channel the routes in force want it for now.
 */
export function resendDeliveries(
  user: Partial<User>,
  changes: readonly Change[],
  routes: readonly Route[],
  channel?: string,
): PlannedDelivery[] {
  // An operator's resend goes now: the routes' hours are not put on it.
  const planned = planDeliveries(user, changes, routes).map(({ hours: _hours, ...p }) => p);
  if (channel === undefined) return planned;
  return [
    planned.find((p) => p.channel === channel) ?? {
      channel,
      kinds: [...new Set(changes.map((c) => c.kind))],
      show: [],
    },
  ];
}
