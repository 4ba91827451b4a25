import { hash } from 'node:crypto';
import { outOfBounds } from './bounds.ts';
import { classifyChanges, kindsOf, type Change, type EventKind } from './changes.ts';
import { parseVccBody, type User } from './user.ts';

/**
 * An event ready to store, normalized and redacted (it never holds a password): what the
 * webhook, the CLI and the tests make of one VCC body. The store keeps all but `kinds`
 * (derived from `changes`).
 */
export interface VccEvent {
  /** Same VCC event, same key: a hash of VCC's timestamp, old, new and the password fact. */
  dedupKey: string;
  receivedAt: number;
  vccTimestamp: string | null;
  userId: string | null;
  old: Partial<User> | null;
  new: Partial<User>;
  changes: Change[];
  kinds: EventKind[];
}

export type Accepted = { ok: true; event: VccEvent } | { ok: false; path: string; message: string };

/**
 * The one way from a parsed JSON body to an event: bounds (depth and size, before anything
 * else reads it), validation, normalization (the password dropped), changes, dedup key and the
 * user id (`new`'s, else `old`'s). A refusal names the path and says why.
 */
export function acceptVccBody(json: unknown, receivedAt: number): Accepted {
  const tooBig = outOfBounds(json);
  if (tooBig) return { ok: false, path: tooBig.path, message: tooBig.message };
  const parsed = parseVccBody(json);
  if (!parsed.ok) return parsed;
  const vcc = parsed.event;
  const changes = classifyChanges(vcc);
  const base = { vccTimestamp: vcc.timestamp, old: vcc.old, new: vcc.new };
  return {
    ok: true,
    event: {
      ...base,
      dedupKey: hash('sha256', JSON.stringify([base.vccTimestamp, base.old, base.new, vcc.passwordSet]), 'base64url'),
      receivedAt,
      userId: vcc.new.userId ?? vcc.old?.userId ?? null,
      changes,
      kinds: kindsOf(changes),
    },
  };
}
