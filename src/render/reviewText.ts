import { REASON_MAX, type Review } from '../domain/reviews.ts';
import type { Message, MessageAction } from './Message.ts';
import { sanitizeLine } from './sanitize.ts';
import { utcMinute } from './utcMinute.ts';

/** The buttons' action ids: what the dispatcher runs when a reviewer clicks. */
export const REVIEW_BUTTONS = { expected: 'review.expected', notExpected: 'review.not-expected' } as const;

/** A review's state as one line: who may decide, or who decided how, when and why. */
export function reviewLine(r: Review, reviewers: readonly string[]): string {
  const by = r.decidedBy?.name ?? 'someone';
  const at = r.decidedAt === null ? '' : ` at ${utcMinute(r.decidedAt)}`;
  if (r.status === 'expected') return `Expected: reviewed by ${by}${at}`;
  if (r.status === 'not-expected') return `Not expected: ${by}${at}, "${sanitizeLine(r.reason ?? '')}"`;
  return `Needs a decision: Expected or Not expected, by ${reviewers.length ? reviewers.join(', ') : 'nobody (no reviewers)'}`;
}

/**
 * The change's message with its review: a line that says the state, and, while it is pending,
 * the controls (Expected, Not expected, and Open on the admin page when `openUrl` is given), or,
 * on a channel decided by link (`reviewUrl`: a webhook cannot send a click back), one Review
 * link to the review's admin page. Built from the stored review alone, so a decided message
 * reads the same for everyone.
 */
export function withReview(
  m: Message,
  r: Review,
  reviewers: readonly string[],
  openUrl: string | null,
  reviewUrl: string | null = null,
): Message {
  const line = `${reviewLine(r, reviewers)}${reviewUrl && r.status === 'pending' ? ', on the admin page' : ''}`;
  const value = String(r.id);
  const actions: MessageAction[] =
    r.status !== 'pending'
      ? []
      : reviewUrl
        ? [{ kind: 'link', label: 'Review', url: reviewUrl }]
        : [
            { kind: 'button', id: REVIEW_BUTTONS.expected, label: 'Expected', style: 'primary', value },
            {
              kind: 'button',
              id: REVIEW_BUTTONS.notExpected,
              label: 'Not expected',
              style: 'danger',
              value,
              asks: { label: 'Why was it not expected? (needed for Not expected)', maxLength: REASON_MAX },
            },
            ...(openUrl ? [{ kind: 'link' as const, label: 'Open', url: openUrl }] : []),
          ];
  return { ...m, lines: [...m.lines, line], fallback: `${m.fallback} (${line})`, actions };
}
