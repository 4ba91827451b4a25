import { createHash, randomBytes } from 'node:crypto';
import type { NewSession, PendingLogin } from '../domain/sessions.ts';
import { sessionSteps, toPendingLogin } from '../store/sessionSql.ts';
import { rowsOf } from '../store/writeSteps.ts';
import type { Actor } from './Actor.ts';
import type { ActionDeps } from './ActionDeps.ts';
import { entryStep } from './auditEntry.ts';

/** What the store keeps of a secret handed to a browser (a session id, a sign-in's state): its SHA-256, never itself. */
export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/** A new unguessable secret for a browser to hold (256 bits). */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/**
 * A sign-in to the admin page: a new session in the store and its audit entry, in one
 * transaction. Returns the session id for the cookie (the store keeps only its hash).
 */
export async function signIn(deps: ActionDeps, actor: Actor, s: NewSession): Promise<string> {
  const id = newSecret();
  const detail = `signed in (${s.via === 'oidc' ? 'identity provider' : 'ADMIN_TOKEN'}, ${s.role})`;
  await deps.store.transaction([
    sessionSteps.create(secretHash(id), s),
    entryStep(
      actor,
      s.createdAt,
      { action: 'signin', target: 'session', outcome: 'done', detail },
      { idFrom: [0, 'id'] },
    ),
  ]);
  return id;
}

/** A refused sign-in on the record (`reason`: why, never what was typed or sent). */
export async function signInRefused(deps: ActionDeps, actor: Actor, reason: string): Promise<void> {
  const facts = { action: 'signin', target: null, outcome: 'refused', detail: reason } as const;
  await deps.store.transaction([entryStep(actor, deps.clock(), facts)]);
}

/**
 * Ends a session everywhere: the actor's own (`sessionId`, a logout), or another one by its
 * number (an operator). False when it was not live (nothing recorded).
 */
export async function endSession(
  deps: ActionDeps,
  actor: Actor,
  which: { sessionId: string } | { id: number },
): Promise<boolean> {
  const now = deps.clock();
  const own = 'sessionId' in which;
  const facts = own
    ? ({ action: 'signout', target: 'session', outcome: 'done', detail: 'signed out' } as const)
    : ({ action: 'session.end', target: 'session', outcome: 'done', detail: 'ended by an operator' } as const);
  const r = await deps.store.transaction([
    sessionSteps.end(own ? { hash: secretHash(which.sessionId) } : { id: which.id }, now),
    entryStep(actor, now, facts, { idFrom: [0, 'id'] }),
  ]);
  return r !== null;
}

/** A live session was used at `at`: its idle time starts again (no audit entry: it is not an action). */
export async function sessionSeen(deps: ActionDeps, sessionId: string, at: number): Promise<void> {
  await deps.store.transaction([sessionSteps.touch(secretHash(sessionId), at)]);
}

/** A sign-in under way at the identity provider, kept under the hash of its `state` until its callback. */
export async function loginStarted(deps: ActionDeps, state: string, l: PendingLogin): Promise<void> {
  await deps.store.transaction([sessionSteps.startLogin(secretHash(state), l)]);
}

/** The sign-in under way with `state`, taken so it works once; null when unknown, used or too old. */
export async function loginTaken(deps: ActionDeps, state: string): Promise<PendingLogin | null> {
  const r = await deps.store.transaction([sessionSteps.takeLogin(secretHash(state), deps.clock())]);
  const row = r ? rowsOf(r[0])[0] : undefined;
  return row ? toPendingLogin(row) : null;
}

/** Sessions ended or idle since before `before`, and stale sign-ins under way, deleted (no audit: housekeeping). */
export async function pruneSessions(deps: ActionDeps, before: number): Promise<void> {
  await deps.store.transaction(sessionSteps.prune(before, deps.clock()));
}
