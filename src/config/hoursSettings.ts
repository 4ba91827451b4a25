import { array, enums, optional, size, string, union, object, type Infer } from 'superstruct';
import { EVENT_KINDS, type EventKind } from '../vcc/changes.ts';
import { inInterval, type TimeInterval } from '../routing/timeIntervals.ts';
import { didYouMean, givenKeys, pathText as fmt } from './problems.ts';

const names = union([size(string(), 1, 80), size(array(size(string(), 1, 80)), 1, 20)]);
const hoursKeys = object({
  active: optional(names),
  quiet: optional(names),
  urgent: optional(size(array(enums(EVENT_KINDS)), 1, EVENT_KINDS.length)),
});
export type HoursKeys = Infer<typeof hoursKeys>;

/** A channel's hours from the config: the interval names it uses, the compiled test, its urgent kinds. */
export interface HoursSettings {
  mode: 'active' | 'quiet';
  intervals: string[];
  urgent: EventKind[];
  quietAt(at: number): boolean;
}

/**
 * A channel's `active:` / `quiet:` / `urgent:` as settings, or null (none given, or a problem,
 * noted one line per place): each names intervals of `time_intervals:` (did-you-mean for a
 * misspelt one); a channel has one of active and quiet; urgent needs one of them.
 */
export function hoursSettings(
  keys: Record<keyof HoursKeys, unknown>,
  intervals: Readonly<Record<string, TimeInterval>>,
  base: string[],
  problems: string[],
  at: (path: Array<string | number>) => string,
): HoursSettings | null {
  const problem = (key: string, reason: string) =>
    problems.push(`${fmt([...base, key])}${at([...base, key])}: ${reason}`);
  const h = givenKeys(keys, hoursKeys, base, problems, at);
  if (h === null) return null;
  if (h.active !== undefined && h.quiet !== undefined) {
    problem('quiet', 'a channel has active or quiet hours, not both');
    return null;
  }
  const mode = h.active !== undefined ? 'active' : h.quiet !== undefined ? 'quiet' : null;
  if (mode === null) {
    problem('urgent', 'urgent needs active or quiet hours on the channel');
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
  const chosen = named.map((n) => intervals[n]!);
  const inside = byMinute((t) => chosen.some((iv) => inInterval(iv, t)));
  return {
    mode,
    intervals: named,
    urgent: h.urgent ?? [],
    quietAt: mode === 'quiet' ? inside : (t) => !inside(t),
  };
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
