import test from 'ava';
import { inInterval, type TimeInterval } from '../src/routing/timeIntervals.ts';
import { compileTimeIntervals } from '../src/config/timeIntervalConfig.ts';

/** Compiles `time_intervals:` as a file would hold it; throws on any problem. */
function intervals(raw: unknown): Record<string, TimeInterval> {
  const problems: string[] = [];
  const out = compileTimeIntervals(raw, problems, () => '');
  if (problems.length) throw new Error(problems.join('\n'));
  return out;
}

const office = (location: string, start: string, end: string) =>
  intervals({ office: [{ weekdays: ['monday:friday'], times: [{ start_time: start, end_time: end }], location }] })
    .office!;
const nights = (location: string) =>
  intervals({
    nights: [
      { times: [{ start_time: '22:00', end_time: '24:00' }], location },
      { times: [{ start_time: '00:00', end_time: '06:00' }], location },
    ],
  }).nights!;

const at = (iso: string) => Date.parse(iso);

const cases: Array<[string, TimeInterval, string, boolean]> = [
  // Europe/Budapest: CET (+1) until 2026-03-29 02:00, CEST (+2) until 2026-10-25 03:00.
  [
    'Budapest, the Friday before spring: 06:30Z is 07:30 local, outside',
    office('Europe/Budapest', '08:00', '18:00'),
    '2026-03-27T06:30:00Z',
    false,
  ],
  [
    'Budapest, the Monday after spring: 06:30Z is 08:30 local, inside',
    office('Europe/Budapest', '08:00', '18:00'),
    '2026-03-30T06:30:00Z',
    true,
  ],
  [
    'Budapest, the Friday before autumn: 06:30Z is 08:30 local, inside',
    office('Europe/Budapest', '08:00', '18:00'),
    '2026-10-23T06:30:00Z',
    true,
  ],
  [
    'Budapest, the Monday after autumn: 06:30Z is 07:30 local, outside',
    office('Europe/Budapest', '08:00', '18:00'),
    '2026-10-26T06:30:00Z',
    false,
  ],
  [
    'Budapest, the end is excluded: 18:00 local',
    office('Europe/Budapest', '08:00', '18:00'),
    '2026-06-01T16:00:00Z',
    false,
  ],
  ['Budapest, a Saturday', office('Europe/Budapest', '08:00', '18:00'), '2026-03-28T10:00:00Z', false],
  // America/New_York: EST (-5) until 2026-03-08 02:00, EDT (-4) until 2026-11-01 02:00.
  [
    'New York, the Friday before spring: 13:30Z is 08:30 local, outside',
    office('America/New_York', '09:00', '17:00'),
    '2026-03-06T13:30:00Z',
    false,
  ],
  [
    'New York, the Monday after spring: 13:30Z is 09:30 local, inside',
    office('America/New_York', '09:00', '17:00'),
    '2026-03-09T13:30:00Z',
    true,
  ],
  [
    'New York, the Friday before autumn: 13:30Z is 09:30 local, inside',
    office('America/New_York', '09:00', '17:00'),
    '2026-10-30T13:30:00Z',
    true,
  ],
  [
    'New York, the Monday after autumn: 13:30Z is 08:30 local, outside',
    office('America/New_York', '09:00', '17:00'),
    '2026-11-02T13:30:00Z',
    false,
  ],
  [
    'UTC when no location is given',
    intervals({ x: [{ times: [{ start_time: '10:00', end_time: '11:00' }] }] }).x!,
    '2026-07-01T10:30:00Z',
    true,
  ],
  [
    'the last day of the month (-1), February',
    intervals({ x: [{ days_of_month: ['-1'] }] }).x!,
    '2026-02-28T12:00:00Z',
    true,
  ],
  ['the day before it', intervals({ x: [{ days_of_month: ['-1'] }] }).x!, '2026-02-27T12:00:00Z', false],
  ['days 1:5', intervals({ x: [{ days_of_month: ['1:5'] }] }).x!, '2026-03-03T12:00:00Z', true],
  [
    'months by name and years',
    intervals({ x: [{ months: ['november:december'], years: ['2026'] }] }).x!,
    '2026-12-05T12:00:00Z',
    true,
  ],
  [
    'another year',
    intervals({ x: [{ months: ['november:december'], years: ['2026'] }] }).x!,
    '2027-12-05T12:00:00Z',
    false,
  ],
  ['months by number', intervals({ x: [{ months: ['1:3'] }] }).x!, '2026-02-10T12:00:00Z', true],
];
for (const [name, interval, iso, expected] of cases)
  test(`interval: ${name}`, (t) => t.is(inInterval(interval, at(iso)), expected));

/** Minutes inside `interval` during the 24 hours from `from`. */
const minutesInside = (interval: TimeInterval, from: string) => {
  let n = 0;
  for (let m = 0; m < 1440; m += 1) if (inInterval(interval, at(from) + m * 60_000)) n += 1;
  return n;
};

const nightCases: Array<[string, string, string, number]> = [
  ['Budapest, an ordinary night: 8 hours', 'Europe/Budapest', '2026-03-21T12:00:00Z', 480],
  [
    'Budapest, the spring night: 7 hours (02:00 to 03:00 never happens)',
    'Europe/Budapest',
    '2026-03-28T12:00:00Z',
    420,
  ],
  [
    'Budapest, the autumn night: 9 hours (02:00 to 03:00 happens twice)',
    'Europe/Budapest',
    '2026-10-24T12:00:00Z',
    540,
  ],
  ['New York, the spring night: 7 hours', 'America/New_York', '2026-03-07T17:00:00Z', 420],
  ['New York, the autumn night: 9 hours', 'America/New_York', '2026-10-31T16:00:00Z', 540],
];
for (const [name, zone, from, expected] of nightCases)
  test(`nights across daylight saving: ${name}`, (t) => t.is(minutesInside(nights(zone), from), expected));

const problemCases: Array<[string, unknown, RegExp]> = [
  [
    'an unknown zone, with a suggestion',
    { x: [{ location: 'Europe/Budapst' }] },
    /^time_intervals\.x\[0\]\.location: unknown time zone "Europe\/Budapst" \(did you mean "Europe\/Budapest"\?\)$/,
  ],
  [
    'a misspelt weekday',
    { x: [{ weekdays: ['mondey:friday'] }] },
    /^time_intervals\.x\[0\]\.weekdays\[0\]: unknown name "mondey" \(did you mean "monday"\?\)$/,
  ],
  [
    'a weekday range backwards',
    { x: [{ weekdays: ['friday:monday'] }] },
    /weekdays\[0\]: "friday:monday": the range ends before it starts$/,
  ],
  [
    'an end before the start',
    { x: [{ times: [{ start_time: '18:00', end_time: '08:00' }] }] },
    /times\[0\]: end_time 08:00 is not after start_time 18:00 \(split a range over midnight in two\)$/,
  ],
  [
    'an hour past 24',
    { x: [{ times: [{ start_time: '08:00', end_time: '25:00' }] }] },
    /end_time "25:00" is not a time of day/,
  ],
  ['day 32', { x: [{ days_of_month: ['32'] }] }, /days_of_month\[0\]: "32" is not a day of the month/],
  [
    'an unknown key',
    { x: [{ weekday: ['monday'] }] },
    /^time_intervals\.x\[0\]\.weekday: unknown key "weekday" \(did you mean "weekdays"\?\)/,
  ],
];
for (const [name, raw, expected] of problemCases)
  test(`time_intervals problem: ${name}`, (t) => {
    const problems: string[] = [];
    compileTimeIntervals(raw, problems, () => '');
    t.is(problems.length, 1, problems.join('\n'));
    t.regex(problems[0] ?? '', expected);
  });
