import { REASON_MAX, type Review } from '../domain/reviews.ts';
import {
  owedSettledStep,
  owedTryStep,
  postponeStep,
  remindStep,
  reviewSteps,
  toReview,
  type ReviewRow,
} from '../store/reviewSql.ts';
import { rowsOf } from '../store/writeSteps.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { utcMinute } from '../render/utcMinute.ts';
import type { Actor } from './Actor.ts';
import type { ActionDeps, ReviewRefusal } from './ActionDeps.ts';
import { entryStep, type ActionResult } from './auditEntry.ts';
import { record } from './channelActions.ts';

/** `Decision.at` of a decision taken on the review's admin page (a channel decided by link). */
export const ON_THE_ADMIN_PAGE = 'admin-page';

/** A reviewer's answer on a review: expected, or not expected with why. */
export interface Decision {
  reviewId: number;
  /**
   * Where the click came from, as the platform names it (`slack:C0123`), or ON_THE_ADMIN_PAGE:
   * the review must be there (a chat channel's own, or a channel decided by link).
   */
  at: string;
  status: 'expected' | 'not-expected';
  reason: string | null;
}

const ANSWER = { expected: 'marked expected', 'not-expected': 'marked not expected' } as const;

/** How a decided review reads to someone who clicks after it: who decided what, when. */
export const alreadyDecided = (r: Review) =>
  `Already ${ANSWER[r.status as 'expected' | 'not-expected'] ?? 'decided'} by ${r.decidedBy?.name ?? 'someone'}${
    r.decidedAt === null ? '' : ` at ${utcMinute(r.decidedAt)}`
  }: nothing changed.`;

/**
 * Records a reviewer's decision, once: the clicker must be one of the channel's reviewers (on
 * every click) and not the person the change is about; the review must belong to the channel
 * the click came from; the first decision wins (a compare-and-set in the store, with its audit
 * entry), and everyone then sees the message edited from the stored state. A later click is
 * told who was first and changes nothing. Every refusal is recorded.
 */
export async function decideReview(
  deps: ActionDeps,
  actor: Actor,
  d: Decision,
): Promise<ActionResult<{ review: Review }>> {
  const target = `review #${d.reviewId}`;
  const no = (code: ReviewRefusal, why: string) => {
    deps.observeReviews?.refused(code);
    return record(deps, actor, 'review.decide', target, 'refused', why, why);
  };
  const review = await deps.store.getReview(d.reviewId);
  if (!review || !deps.reviews.isAt(review.channel, d.at))
    return no('other_channel', 'this is not a review of this channel');
  const settings = deps.reviews.settingsOf(review.channel);
  if (!settings) return no('no_reviewers', `channel ${review.channel} has no reviewers now: nobody can decide`);
  if (!(await deps.policy.isReviewer(actor, settings.reviewers)))
    return no('not_reviewer', `only the reviewers of this channel may decide (${settings.reviewers.join(', ')})`);
  const email = await deps.policy.emailOf(actor);
  if (email && review.email && email.toLowerCase() === review.email.toLowerCase())
    return no('own_account', 'nobody reviews a change to their own account');
  if (review.status !== 'pending') return no('already_decided', alreadyDecided(review));
  const reason = d.reason === null ? null : sanitizeLine(d.reason).trim().slice(0, REASON_MAX);
  if (d.status === 'not-expected' && !reason)
    return no('no_reason', 'say why it was not expected (a reason is required)');
  const at = deps.clock();
  const by = { platform: actor.platform, id: actor.id, name: actor.name };
  const detail = d.status === 'expected' ? 'expected' : `not expected: "${reason}"`;
  const facts = { action: 'review.decide', target, outcome: 'done', detail } as const;
  const r = await deps.store.transaction([
    reviewSteps.decide(review.id, review.channel, {
      status: d.status,
      by,
      at,
      reason: d.status === 'expected' ? null : reason,
    }),
    entryStep(actor, at, facts),
  ]);
  if (r === null) {
    const now = await deps.store.getReview(review.id);
    return no('already_decided', now ? alreadyDecided(now) : 'this review is gone');
  }
  const decided = toReview(rowsOf(r[0])[0] as unknown as ReviewRow);
  deps.observeReviews?.decided(decided);
  await deps.reviews.decided(decided);
  return { ok: true, review: decided };
}

/** Reminders sent per pass; the rest wait for the next pass. */
const REMINDERS_PER_PASS = 20;
/** An owed reply that fails is tried again after 1 min, doubling, at most this many times in all (about 2 h). */
export const OWED_TRIES = 8;
const owedRetryAt = (now: number, tries: number) => now + 60_000 * 2 ** (tries - 1);

/**
 * Sends the reminders that are due: each claimed in the store first (several instances send
 * each once), recorded in the audit log as the service's own action, then sent as a reply to
 * the request naming its reviewers; past the channel's `reminders:`, the request is escalated
 * once to `escalate:` instead. A claimed reply is owed until it is sent (an outbox): one whose
 * send failed, or whose process stopped before it, is tried again (1 min, doubling, at most
 * OWED_TRIES times, then given up on the record); one the request's decision made moot is
 * dropped. A crash between a send and its record repeats that one reply. Returns how many it sent.
 */
export async function remindReviews(deps: ActionDeps, system: Actor): Promise<number> {
  let sent = 0;
  for (const review of await deps.store.dueReviews(deps.clock(), REMINDERS_PER_PASS)) {
    const claimed = review.owed !== null ? await claimOwed(deps, review) : await claimNext(deps, system, review);
    if (claimed && (await sendOwed(deps, system, claimed))) sent += 1;
  }
  return sent;
}

/** The next reminder (or the escalation) of a due review, claimed with its audit entry; null when not now or not ours. */
async function claimNext(deps: ActionDeps, system: Actor, review: Review): Promise<Review | null> {
  const settings = deps.reviews.settingsOf(review.channel);
  if (!settings) return null;
  const now = deps.clock();
  // No reminder at 3 a.m.: counted in the request's active hours, it waits for them.
  const quiet = await deps.reviews.quietUntil(review, now);
  if (quiet !== null) {
    await deps.store.transaction([postponeStep(review, quiet)]);
    return null;
  }
  const escalating = review.remindersSent >= settings.reminders;
  const facts = {
    action: escalating ? 'review.escalate' : 'review.remind',
    target: `review #${review.id}`,
    outcome: 'done',
    detail: escalating ? 'no decision: escalated' : `reminder ${review.remindersSent + 1} of ${settings.reminders}`,
  } as const;
  const r = await deps.store.transaction([
    remindStep(review, {
      max: settings.reminders,
      next: now + settings.remindAfterMs,
      now,
      retryAt: owedRetryAt(now, 1),
    }),
    entryStep(system, now, facts),
  ]);
  return r === null ? null : toReview(rowsOf(r[0])[0] as unknown as ReviewRow); // null: another instance claimed it
}

/** An owed reply's next try, claimed; null when another instance has it. */
async function claimOwed(deps: ActionDeps, review: Review): Promise<Review | null> {
  const r = await deps.store.transaction([owedTryStep(review, owedRetryAt(deps.clock(), review.owedTries + 1))]);
  return r === null ? null : toReview(rowsOf(r[0])[0] as unknown as ReviewRow);
}

/** Sends a claimed review's owed reply and settles it: sent, moot (decided meanwhile), or given up after its last try. */
async function sendOwed(deps: ActionDeps, system: Actor, review: Review): Promise<boolean> {
  const owed = review.owed!;
  if (review.status !== 'pending') {
    await deps.store.transaction([owedSettledStep(review, owed)]);
    return false;
  }
  if (await deps.reviews.remind(review, owed === 'escalate')) {
    // Sent on its first try, the claim already set the next one; sent late, the next counts from now.
    const after = review.owedTries > 1 ? deps.reviews.settingsOf(review.channel)?.remindAfterMs : undefined;
    await deps.store.transaction([owedSettledStep(review, owed, after === undefined ? null : deps.clock() + after)]);
    return true;
  }
  if (review.owedTries < OWED_TRIES) return false;
  const now = deps.clock();
  const detail = `${owed === 'escalate' ? 'the escalation' : 'a reminder'} could not be sent after ${OWED_TRIES} tries: given up`;
  const action = owed === 'escalate' ? 'review.escalate' : 'review.remind';
  await deps.store.transaction([
    owedSettledStep(review, owed),
    entryStep(system, now, { action, target: `review #${review.id}`, outcome: 'refused', detail }),
  ]);
  return false;
}
