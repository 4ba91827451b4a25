import { array, object, optional, record, size, string, validate } from 'superstruct';
import { knownZone, MONTHS, WEEKDAYS, type Span, type TimeInterval, type TimeRange } from '../routing/timeIntervals.ts';
import { didYouMean, pathText as fmt, reasonFor } from './problems.ts';

export const rangeShape = object({
  times: optional(size(array(object({ start_time: string(), end_time: string() })), 1, 24)),
  weekdays: optional(size(array(string()), 1, 7)),
  days_of_month: optional(size(array(string()), 1, 31)),
  months: optional(size(array(string()), 1, 12)),
  years: optional(size(array(string()), 1, 20)),
  location: optional(string()),
});
/** `time_intervals:` as the file holds it: names to lists of ranges (Alertmanager's field names). */
export const timeIntervalsShape = record(size(string(), 1, 80), size(array(rangeShape), 1, 20));

type At = (path: Array<string | number>) => string;
type Problem = (path: Array<string | number>, reason: string) => void;

const ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/**
 * The file's `time_intervals:` compiled, or problems noted one line per place: a bad time, an
 * unknown weekday or month (with a did-you-mean), a range that ends before it starts, an
 * unknown time zone.
 */
export function compileTimeIntervals(raw: unknown, problems: string[], at: At): Record<string, TimeInterval> {
  if (raw === undefined) return {};
  const [err, file] = validate(raw, timeIntervalsShape);
  const problem: Problem = (p, reason) =>
    problems.push(`${fmt(['time_intervals', ...p])}${at(['time_intervals', ...p])}: ${reason}`);
  if (err) {
    // A range's failures are explained by the range's own struct (a record hides its keys).
    for (const f of err.failures())
      problem(
        f.path,
        f.path.length > 2 ? reasonFor({ ...f, path: f.path.slice(2) }, rangeShape) : reasonFor(f, timeIntervalsShape),
      );
    return {};
  }
  const out: Record<string, TimeInterval> = {};
  for (const [name, ranges] of Object.entries(file)) {
    out[name] = ranges.map((r, i) => compileRange(r, (p, reason) => problem([name, i, ...p], reason)));
  }
  return out;
}

function compileRange(r: (typeof rangeShape)['TYPE'], problem: Problem): TimeRange {
  const location = r.location ?? 'UTC';
  if (!knownZone(location))
    problem(
      ['location'],
      `unknown time zone "${location}"${didYouMean(location, ZONES) || ' (an IANA name such as Europe/Budapest)'}`,
    );
  const spans = (key: string, list: readonly string[] | undefined, read: (v: string) => number | string) =>
    list?.map((v, i) => span(v, read, (reason) => problem([key, i], reason)));
  return {
    location,
    ...(r.times && {
      times: r.times.map((t, i) => timeSpan(t.start_time, t.end_time, (reason) => problem(['times', i], reason))),
    }),
    ...(r.weekdays && { weekdays: spans('weekdays', r.weekdays, named(WEEKDAYS, 0)) }),
    ...(r.days_of_month && { daysOfMonth: spans('days_of_month', r.days_of_month, dayOfMonth) }),
    ...(r.months && { months: spans('months', r.months, named(MONTHS, 1)) }),
    ...(r.years && { years: spans('years', r.years, year) }),
  };
}

/** `A` or `A:B` read with `read` (a number, or why not); B may not come before A. */
function span(v: string, read: (v: string) => number | string, problem: (reason: string) => void): Span {
  const parts = v.split(':');
  const [a, b] = parts.map((p) => read(p.trim()));
  if (parts.length > 2 || a === undefined) return bad(problem, `"${v}": expected VALUE or START:END`);
  if (typeof a === 'string') return bad(problem, a);
  if (b === undefined) return [a, a];
  if (typeof b === 'string') return bad(problem, b);
  if (a < 0 === b < 0 && b < a) return bad(problem, `"${v}": the range ends before it starts`);
  return [a, b];
}

const bad = (problem: (reason: string) => void, reason: string): Span => {
  problem(reason);
  return [1, 0];
};

/** A weekday or month by name (or a month by number), counted from `first`. */
const named =
  (names: readonly string[], first: number) =>
  (v: string): number | string => {
    const i = names.indexOf(v.toLowerCase());
    if (i >= 0) return i + first;
    if (first === 1 && /^\d{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 12) return Number(v);
    return `unknown name "${v}"${didYouMean(v, names) || ` (one of ${names.join(', ')})`}`;
  };

const dayOfMonth = (v: string): number | string =>
  /^-?\d{1,2}$/.test(v) && Math.abs(Number(v)) >= 1 && Math.abs(Number(v)) <= 31
    ? Number(v)
    : `"${v}" is not a day of the month (1 to 31, or -1 to -31 from the month's end)`;

const year = (v: string): number | string => (/^\d{4}$/.test(v) ? Number(v) : `"${v}" is not a year (four digits)`);

/** `HH:MM` to minutes of the day; the end may be 24:00 and must come after the start. */
function timeSpan(start: string, end: string, problem: (reason: string) => void): Span {
  const minutes = (t: string, isEnd: boolean) => {
    const m = /^(\d{2}):(\d{2})$/.exec(t);
    const v = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    return m && Number(m[2]) < 60 && (v < 1440 || (isEnd && v === 1440)) ? v : null;
  };
  const [a, b] = [minutes(start, false), minutes(end, true)];
  if (a === null) return bad(problem, `start_time "${start}" is not a time of day (HH:MM, 00:00 to 23:59)`);
  if (b === null) return bad(problem, `end_time "${end}" is not a time of day (HH:MM, 00:00 to 24:00)`);
  if (b <= a)
    return bad(problem, `end_time ${end} is not after start_time ${start} (split a range over midnight in two)`);
  return [a, b];
}
