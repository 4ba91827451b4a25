import { array, enums, optional, size, string, union, object, type Infer } from 'superstruct';
import { EVENT_KINDS, type EventKind } from '../vcc/changes.ts';
import { inInterval, type TimeInterval } from '../routing/timeIntervals.ts';
import type { RouteHours } from '../routing/route.ts';
import type { ChatHours } from '../store/Store.ts';
import { didYouMean, givenKeys, pathText as fmt } from './problems.ts';

const names = union([size(string(), 1, 80), size(array(size(string(), 1, 80)), 1, 20)]);
export const hoursKeys = object({
  active: optional(names),
  quiet: optional(names),
  urgent: optional(size(array(enums(EVENT_KINDS)), 1, EVENT_KINDS.length)),
});
export type HoursKeys = Infer<typeof hoursKeys>;

/** Hours from the config (a channel's or a route's): the interval names used, the compiled test, the urgent kinds. */
export interface HoursSettings {
  mode: 'active' | 'quiet';
  intervals: string[];
  urgent: EventKind[];
  quietAt(at: number): boolean;
}

/**
 * A channel's or route's `active:` / `quiet:` / `urgent:` as settings, or null (none given, or a problem,
 * noted one line per place): each names intervals of `time_intervals:` (did-you-mean for a
 * misspelt one); a channel has one of active and quiet; urgent needs one of them.
 */
export function hoursSettings(
  keys: Record<keyof HoursKeys, unknown>,
  intervals: Readonly<Record<string, TimeInterval>>,
  base: Array<string | number>,
  problems: string[],
  at: (path: Array<string | number>) => string,
): HoursSettings | null {
  const problem = (key: string, reason: string) =>
    problems.push(`${fmt([...base, key])}${at([...base, key])}: ${reason}`);
  const h = givenKeys(keys, hoursKeys, base, problems, at);
  if (h === null) return null;
  const owner = base[0] === 'routes' ? 'route' : 'channel';
  if (h.active !== undefined && h.quiet !== undefined) {
    problem('quiet', `a ${owner} has active or quiet hours, not both`);
    return null;
  }
  const mode = h.active !== undefined ? 'active' : h.quiet !== undefined ? 'quiet' : null;
  if (mode === null) {
    problem('urgent', `urgent needs active or quiet hours on the ${owner}`);
    return null;
  }
  const named = [h[mode]!].flat();
  const known = Object.keys(intervals);
  const unknown = named.filter((n) => !known.includes(n));
  for (const n of unknown)
    problem(
      mode,
      `unknown time interval "${n}"${didYouMean(n, known) || (known.length ? ` (time_intervals: ${known.join(', ')})` : ' (define it under time_intervals:)')}`,
    );
  if (unknown.length) return null;
  return {
    mode,
    intervals: named,
    urgent: h.urgent ?? [],
    quietAt: quietTest(
      mode,
      named.map((n) => intervals[n]!),
    ),
  };
}

/** Quiet inside a quiet interval, or outside every active one; remembered per minute. */
function quietTest(mode: RouteHours['mode'], chosen: readonly TimeInterval[]): (t: number) => boolean {
  const inside = byMinute((t) => chosen.some((iv) => inInterval(iv, t)));
  return mode === 'quiet' ? inside : (t) => !inside(t);
}

/**
 * A channel's hours: the config file's, or those set from chat for a chat-made channel (under
 * the config's intervals; one the config no longer has never holds).
 */
export function hoursOf(
  config: { hours: Readonly<Record<string, HoursSettings>>; timeIntervals: Readonly<Record<string, TimeInterval>> },
  channel: string,
  chatSetting?: (what: 'hours', channel: string) => ChatHours | undefined,
): HoursSettings | undefined {
  if (config.hours[channel]) return config.hours[channel];
  const h = chatSetting?.('hours', channel);
  return h && { ...h, quietAt: routeHoursTest([{ mode: h.mode, intervals: h.intervals }], config.timeIntervals) };
}

const routeTests = new WeakMap<object, Map<string, (t: number) => boolean>>();

/**
 * Whether a delivery with these route hours waits at a time, under `intervals` (the config in
 * force): while each of them is quiet. Hours naming an interval the config no longer has
 * never hold (nothing waits for ever). Made once per config and set of hours.
 */
export function routeHoursTest(
  hours: readonly RouteHours[],
  intervals: Readonly<Record<string, TimeInterval>>,
): (t: number) => boolean {
  const known = routeTests.get(intervals) ?? new Map<string, (t: number) => boolean>();
  routeTests.set(intervals, known);
  const key = JSON.stringify(hours);
  let test = known.get(key);
  if (!test) {
    const each = hours.map((h) =>
      h.intervals.every((n) => Object.hasOwn(intervals, n))
        ? quietTest(
            h.mode,
            h.intervals.map((n) => intervals[n]!),
          )
        : () => false,
    );
    test = (t) => each.every((q) => q(t));
    known.set(key, test);
  }
  return test;
}

/**
 * `test` remembered per whole minute (intervals are in minutes): the worker asks for every
 * item of a read, and items of one read share a few minutes. Keeps the last 64 minutes.
 */
function byMinute(test: (t: number) => boolean): (t: number) => boolean {
  const seen = new Map<number, boolean>();
  return (t) => {
    const minute = Math.floor(t / 60_000);
    let v = seen.get(minute);
    if (v === undefined) {
      v = test(minute * 60_000);
      if (seen.size >= 64) seen.delete(seen.keys().next().value!);
      seen.set(minute, v);
    }
    return v;
  };
}
