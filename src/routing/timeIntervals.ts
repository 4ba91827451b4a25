/**
 * Named time intervals in Alertmanager's shape (`time_intervals:`), evaluated in their
 * `location`'s time zone: https://prometheus.io/docs/alerting/latest/configuration/#time_interval.
 * An interval is a list of ranges; an instant is in the interval when it is in any range, and
 * in a range when every field the range sets holds (a field left out holds always). Local
 * wall time comes from the IANA zone database through Intl, so daylight-saving changes hold:
 * a local time skipped in spring is never reached, one repeated in autumn is inside twice.
 */

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;

/** Inclusive bounds; for `times`, minutes of the day with the end excluded (`24:00` is 1440). */
export type Span = readonly [from: number, to: number];

export interface TimeRange {
  times?: readonly Span[];
  /** 0 = Sunday. */
  weekdays?: readonly Span[];
  /** 1..31, or -31..-1 counted from the month's end (-1: its last day). */
  daysOfMonth?: readonly Span[];
  /** 1 = January. */
  months?: readonly Span[];
  years?: readonly Span[];
  /** An IANA zone name; UTC when absent. */
  location: string;
}

/** A named interval: any of its ranges. */
export type TimeInterval = readonly TimeRange[];

interface Local {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
  daysInMonth: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_OF: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock fields of `at` in `zone`. */
function local(at: number, zone: string): Local {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const { type, value } of f.formatToParts(at)) p[type] = value;
  const [year, month] = [Number(p.year), Number(p.month)];
  return {
    year,
    month,
    day: Number(p.day),
    weekday: WEEKDAY_OF[p.weekday!]!,
    minute: Number(p.hour) * 60 + Number(p.minute),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const within = (spans: readonly Span[] | undefined, v: number) =>
  spans === undefined || spans.some(([a, b]) => v >= a && v <= b);

/** Whether `at` (ms since the epoch) is inside the range. */
export function inRange(r: TimeRange, at: number): boolean {
  const t = local(at, r.location);
  const day = (d: number) => (d < 0 ? t.daysInMonth + d + 1 : d);
  return (
    (r.times === undefined || r.times.some(([a, b]) => t.minute >= a && t.minute < b)) &&
    within(r.weekdays, t.weekday) &&
    (r.daysOfMonth === undefined || r.daysOfMonth.some(([a, b]) => t.day >= day(a) && t.day <= day(b))) &&
    within(r.months, t.month) &&
    within(r.years, t.year)
  );
}

/** Whether `at` is inside the interval (any of its ranges). */
export const inInterval = (interval: TimeInterval, at: number): boolean => interval.some((r) => inRange(r, at));

/** Whether a zone name is one this runtime knows (Intl's zone database). */
export function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
