import type { AuditOutcome } from '../domain/audit.ts';
import { auditStep } from '../store/auditSql.ts';
import type { TxStep } from '../store/TxStep.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import type { Actor } from './Actor.ts';

/** Every action a person can take, as the audit log names them. */
export const ACTION_NAMES = [
  'subscribe',
  'unsubscribe',
  'thread.set',
  'hours.set',
  'reviewers.set',
  'mute.add',
  'mute.expire',
  'mute.send-held',
  'replay',
  'resend',
  'test.send',
  'review.decide',
  'review.remind',
  'review.escalate',
  'signin',
  'signout',
  'session.end',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** An action's answer: done (with what it made), or refused and why (a sentence for people). */
export type ActionResult<T = object> = ({ ok: true } & T) | { ok: false; reason: string };

export const refused = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** What an audit entry says besides its actor and time. */
export interface EntryFacts {
  action: ActionName;
  target: string | null;
  outcome: AuditOutcome;
  detail: string;
}

/** The longest detail kept: a reason or a description, never a payload. */
const DETAIL_CHARS = 500;

/**
 * The audit entry's INSERT for an action by `actor` at `at`. `idFrom`: the target's number
 * is an earlier step's result (see auditStep); `{n}` in the detail becomes the row count of
 * step `countFrom`.
 */
export function entryStep(
  actor: Actor,
  at: number,
  f: EntryFacts,
  refs: { idFrom?: readonly [number, string]; countFrom?: number } = {},
): TxStep {
  return auditStep(
    {
      at,
      via: actor.via,
      platform: actor.platform,
      actorId: actor.id,
      actorName: actor.name,
      action: f.action,
      target: f.target === null ? null : sanitizeLine(f.target).slice(0, 300),
      address: actor.address,
      outcome: f.outcome,
      detail: sanitizeLine(f.detail).slice(0, DETAIL_CHARS),
    },
    refs,
  );
}
