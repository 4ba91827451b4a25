import type { NewEvent } from '../../src/store/Store.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../../shared/fixtures/vcc/', import.meta.url));

/** VCC Live's own sample bodies, as shipped in ../shared/fixtures/vcc/. */
export function vccFixture(name: 'user-created' | 'user-changed'): any {
  return JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8'));
}

let n = 0;
/** A distinct, valid "User Created" body (a new userId each call). */
export function createdBody(over: Record<string, unknown> = {}): any {
  const base = vccFixture('user-created');
  n += 1;
  return { ...base, timestamp: `2026-11-28T10:00:${String(n % 60).padStart(2, '0')}+01:00`, new: { ...base.new, userId: 10_000 + n, ...over } };
}

/** A "user created" event ready for a Store (what the webhook hands it), keyed by `key`. */
export function createdEvent(key: string, over: Partial<NewEvent> = {}): NewEvent {
  return {
    dedupKey: key, receivedAt: 1000, vccTimestamp: '2026-01-01T00:00:00Z', userId: key, old: null, new: { userId: key, name: key },
    changes: [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }],
    ...over,
  };
}
