import type { Mention } from '../routing/route.ts';
import type { WhereTerm } from '../routing/conditions.ts';
import type { EventKind } from '../vcc/changes.ts';
import type { ChatHours, ThreadSettings } from '../store/Store.ts';
import type { Actor } from './Actor.ts';
import type { ActionDeps } from './ActionDeps.ts';
import type { ActionName } from './auditEntry.ts';
import { record, setChannelSetting, subscribe, unsubscribe } from './channelActions.ts';
import { addMute, expireMute, sendHeld, type MuteRequest } from './muteActions.ts';
import { replay, resend, sendTest } from './deliveryActions.ts';
import { decideReview, remindReviews, type Decision } from './reviewActions.ts';
import { SYSTEM_ACTOR } from './Actor.ts';
import {
  endSession,
  loginStarted,
  loginTaken,
  pruneSessions,
  sessionSeen,
  signIn,
  signInRefused,
} from './sessionActions.ts';
import type { NewSession, PendingLogin } from '../domain/sessions.ts';

/**
 * Everything a person can do, each as one call: checks the actor's right through the one
 * policy (ChangePolicy), does its work, and writes its audit entry in the same transaction
 * (a refusal is recorded too). The admin page, the CLI and chat call these; they hold only
 * read access to the store.
 */
export class Actions {
  constructor(private readonly deps: ActionDeps) {}

  subscribe(
    a: Actor,
    s: { channel: string; kinds: EventKind[]; where: WhereTerm[]; mention: Mention[]; review?: boolean },
  ) {
    return subscribe(this.deps, a, s);
  }

  unsubscribe(a: Actor, channel: string, kinds: EventKind[]) {
    return unsubscribe(this.deps, a, channel, kinds);
  }

  setThread(a: Actor, channel: string, settings: ThreadSettings | null) {
    return setChannelSetting(this.deps, a, 'thread', channel, settings);
  }

  setHours(a: Actor, channel: string, hours: ChatHours | null) {
    return setChannelSetting(this.deps, a, 'hours', channel, hours);
  }

  setReviewers(a: Actor, channel: string, reviewers: string[] | null) {
    return setChannelSetting(this.deps, a, 'reviewers', channel, reviewers ? { reviewers } : null);
  }

  addMute(a: Actor, m: MuteRequest) {
    return addMute(this.deps, a, m);
  }

  expireMute(a: Actor, id: number, opts: { send: boolean; channel?: string }) {
    return expireMute(this.deps, a, id, opts);
  }

  sendHeld(a: Actor, muteId: number) {
    return sendHeld(this.deps, a, muteId);
  }

  replay(a: Actor, which: { channel?: string; since?: number; ids?: readonly number[] }) {
    return replay(this.deps, a, which);
  }

  resend(a: Actor, eventId: number, channel?: string) {
    return resend(this.deps, a, eventId, channel);
  }

  sendTest(a: Actor, channel: string) {
    return sendTest(this.deps, a, channel);
  }

  decideReview(a: Actor, d: Decision) {
    return decideReview(this.deps, a, d);
  }

  /** The service's own pass over due review reminders (see remindReviews). */
  remindReviews() {
    return remindReviews(this.deps, SYSTEM_ACTOR);
  }

  /**
   * Records an attempt a door refused before it became an action (a bad form, an unknown
   * channel it checked itself) and returns it as the action's answer.
   */
  refuse(a: Actor, action: ActionName, target: string | null, reason: string) {
    return record(this.deps, a, action, target, 'refused', reason, reason);
  }

  /** A sign-in to the admin page: a session in the store and its record; returns the session id (for the cookie). */
  signIn(a: Actor, s: NewSession) {
    return signIn(this.deps, a, s);
  }

  /** Records a refused sign-in (`reason`: why, never what was typed or sent). */
  signInRefused(a: Actor, reason: string) {
    return signInRefused(this.deps, a, reason);
  }

  /** Ends a session everywhere: one's own (logout), or another by its number (an operator); false when it was not live. */
  endSession(a: Actor, which: { sessionId: string } | { id: number }) {
    return endSession(this.deps, a, which);
  }

  /** A live session was used now (its idle time starts again). */
  sessionSeen(sessionId: string) {
    return sessionSeen(this.deps, sessionId, this.deps.clock());
  }

  loginStarted(state: string, l: PendingLogin) {
    return loginStarted(this.deps, state, l);
  }

  loginTaken(state: string) {
    return loginTaken(this.deps, state);
  }

  /** Deletes sessions over since before `before`, and stale sign-ins under way. */
  pruneSessions(before: number) {
    return pruneSessions(this.deps, before);
  }
}
