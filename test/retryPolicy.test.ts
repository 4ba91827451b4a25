import test from 'ava';
import { afterRetryableFailure, type RetryPolicy } from '../src/delivery/retryPolicy.ts';

const policy: RetryPolicy = { maxAgeMs: 3_600_000, maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 8_000 };
const NOW = 10_000_000;

// [name, attempts, age ms, Retry-After ms, random, expected next attempt (ms from now) or 'dead']
const cases: Array<[string, number, number, number | undefined, number, number | 'dead']> = [
  ['first retry, no jitter', 1, 0, undefined, 0, 500],
  ['first retry, full jitter', 1, 0, undefined, 1, 1_000],
  ['third retry doubles twice', 3, 0, undefined, 1, 4_000],
  ['backoff capped at maxDelay', 4, 0, undefined, 1, 8_000],
  ['Retry-After longer than the backoff wins', 1, 0, 30_000, 1, 30_000],
  ['Retry-After shorter than the backoff is not early', 3, 0, 100, 0, 2_000],
  ['attempts reach the maximum: dead', 5, 0, undefined, 0, 'dead'],
  ['older than maxAge: dead', 1, 3_600_000, undefined, 0, 'dead'],
  // The store keeps whole milliseconds (a fraction failed every Postgres write of the outcome).
  ['a jittered fraction rounds up to a whole millisecond', 1, 0, undefined, 0.3333, 667],
  ['a fractional Retry-After rounds up', 1, 0, 1_000.25, 0, 1_001],
  ['a Retry-After of centuries waits at most maxAge', 1, 0, 1e20, 0, 3_600_000],
];

for (const [name, attempts, age, retryAfter, random, expected] of cases) {
  test(`retry policy: ${name}`, (t) => {
    const d = afterRetryableFailure(policy, attempts, NOW - age, NOW, retryAfter, () => random);
    t.deepEqual(d, expected === 'dead' ? { dead: true } : { dead: false, nextAttemptAt: NOW + expected });
    if (!d.dead) t.true(Number.isSafeInteger(d.nextAttemptAt));
  });
}
