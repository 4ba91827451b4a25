import { REASON_MAX } from '../domain/reviews.ts';
import { REVIEW_BUTTONS } from '../render/reviewText.ts';
import type { ButtonHandler, InboundInput, Reply } from './inbound.ts';

type Click = Extract<InboundInput, { kind: 'action' }>;

const DONE = {
  expected: 'Marked expected: everyone in the channel sees who decided.',
  'not-expected': 'Marked not expected: everyone in the channel sees it, and the escalation was sent.',
} as const;

/** A review button's click: the decision, or (Not expected, where the platform can ask) the question for a reason first. */
async function decide(input: Click, status: 'expected' | 'not-expected'): Promise<Reply> {
  if (!/^[1-9]\d{0,15}$/.test(input.value)) return { text: 'This button names no review: nothing changed.' };
  if (status === 'not-expected' && !input.text && input.canAsk)
    return {
      ask: {
        actionId: input.actionId,
        value: input.value,
        title: 'Not expected',
        label: 'Why was this change not expected? Everyone in the channel will see it.',
        maxLength: REASON_MAX,
      },
    };
  const r = await input.actions.decideReview(input.actor, {
    reviewId: Number(input.value),
    at: input.channel,
    status,
    reason: input.text ?? null,
  });
  return r.ok ? { text: DONE[status], done: true } : { text: `Not changed: ${r.reason}` };
}

/** The review buttons' handlers, by action id (a forgotten button fails to compile). */
export const REVIEW_BUTTON_HANDLERS = {
  [REVIEW_BUTTONS.expected]: (i) => decide(i, 'expected'),
  [REVIEW_BUTTONS.notExpected]: (i) => decide(i, 'not-expected'),
} satisfies Record<(typeof REVIEW_BUTTONS)[keyof typeof REVIEW_BUTTONS], ButtonHandler>;
