import type { NewEvent } from '../../src/store/Store.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The path of one of VCC Live's sample bodies, kept in test/fixtures/vcc/ (see its README). */
export const vccFixturePath = (name: 'user-created' | 'user-changed'): string =>
  fileURLToPath(new URL(`../fixtures/vcc/${name}.json`, import.meta.url));

/** The path of the Adaptive Card 1.5 schema kept in test/fixtures/schemas/. */
export const adaptiveCardSchemaPath = fileURLToPath(
  new URL('../fixtures/schemas/adaptive-card-1.5.json', import.meta.url),
);

/** One of VCC Live's own sample bodies, parsed. */
export function vccFixture(name: 'user-created' | 'user-changed'): any {
  return JSON.parse(readFileSync(vccFixturePath(name), 'utf8'));
}

let n = 0;
/** A distinct, valid "User Created" body (a new userId each call). */
export function createdBody(over: Record<string, unknown> = {}): any {
  const base = vccFixture('user-created');
  n += 1;
  return {
    ...base,
    timestamp: `2026-11-28T10:00:${String(n % 60).padStart(2, '0')}+01:00`,
    new: { ...base.new, userId: 10_000 + n, ...over },
  };
}

/** A "user created" event ready for a Store (what the webhook hands it), keyed by `key`. */
export function createdEvent(key: string, over: Partial<NewEvent> = {}): NewEvent {
  return {
    dedupKey: key,
    receivedAt: 1000,
    vccTimestamp: '2026-01-01T00:00:00Z',
    userId: key,
    old: null,
    new: { userId: key, name: key },
    changes: [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }],
    ...over,
  };
}
