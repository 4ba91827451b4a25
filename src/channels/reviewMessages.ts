import type { Logger } from 'pino';
import type { NotifyConfig } from '../config/NotifyConfig.ts';
import type { EventStore, Review } from '../store/Store.ts';
import type { ReviewDeps } from '../actions/ActionDeps.ts';
import type { ChannelSender } from '../delivery/ChannelSender.ts';
import type { Message } from '../render/Message.ts';
import { withReview } from '../render/reviewText.ts';
import { hoursPlan } from '../delivery/quietHours.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { chatChannel, decisionOf, DECISION_TYPES, reviewerSchema, type ChannelConfig } from '../platforms/registry.ts';
import { ON_THE_ADMIN_PAGE } from '../actions/reviewActions.ts';
import { is } from 'superstruct';
import { reviewSettingsOf } from '../config/reviewSettings.ts';

/** A channel's settings as a comparable key: the same place whatever the order of its fields. */
const placeKey = (ch: ChannelConfig | null | undefined) =>
  ch ? JSON.stringify(Object.entries(ch).sort(([a], [b]) => a.localeCompare(b))) : null;

/**
 * What deciding a review needs of the channels: the reviewers in the config in force, whether
 * a channel is the chat channel a click came from, and, once decided, the request's message
 * edited from the stored review (Adapter.update through the ref its send stored) and a "Not
 * expected" escalated as a reply that pages the channel's `escalate:`; reminders as replies.
 */
export function reviewDeps(d: {
  store: Pick<EventStore, 'getEvent' | 'listDeliveries'>;
  config: () => NotifyConfig;
  /** A chat-made channel's reviewers (`/vcc reviewers ...`), if it has them. */
  chatReviewers: (channel: string) => readonly string[] | undefined;
  channelConfig: (name: string) => ChannelConfig | null;
  senderFor: (channel: string) => Promise<ChannelSender>;
  log: Logger;
}): ReviewDeps {
  return {
    settingsOf: (channel) => reviewSettingsOf(d.config(), channel, d.chatReviewers),
    checkReviewers: (channel, ids) => reviewerProblem(d.channelConfig(channel), ids),
    isAt: (channel, address) => {
      // The admin page decides only on channels decided by link (their messages carry no buttons).
      if (address === ON_THE_ADMIN_PAGE) return decisionOf(d.channelConfig(channel)?.type ?? '')?.by === 'link';
      const here = placeKey(chatChannel(address));
      return here !== null && placeKey(d.channelConfig(channel)) === here;
    },
    decided: (review) => showDecision(d, review),
    quietUntil: async (review, now) => {
      const { sender, delivery } = await requestOf(d, review);
      if (!sender.ok || !delivery) return null;
      return hoursPlan(sender.hours, [{ delivery }], now).held[0]?.until ?? null;
    },
    remind: async (review, escalated) => {
      const { sender, delivery } = await requestOf(d, review);
      // Sent: a reply in its thread, or, where the platform names no message (a webhook), a message in the channel.
      if (!sender.ok || delivery?.status !== 'sent') {
        d.log.warn(
          {
            review: review.id,
            channel: review.channel,
            reason: sender.ok ? 'its request is not sent yet' : sender.reason,
          },
          'a review reminder has no message to reply to (tried again)',
        );
        return false;
      }
      return reply(d, sender, review, delivery.threadRef ?? delivery.ref ?? null, escalated ? 'escalate' : 'remind');
    },
  };
}

/**
 * A reply to the request (in its thread: `ref` is the thread's root when the request is a reply): a reminder that names its reviewers, or an escalation that pages the
 * channel's `escalate:` (a "Not expected", or no decision after the last reminder).
 */
async function reply(
  d: { config: () => NotifyConfig; log: Logger; chatReviewers: (channel: string) => readonly string[] | undefined },
  sender: Extract<ChannelSender, { ok: true }>,
  review: Review,
  ref: string | null,
  kind: 'remind' | 'escalate',
): Promise<boolean> {
  const settings = reviewSettingsOf(d.config(), review.channel, d.chatReviewers) ?? undefined;
  const who = sanitizeLine(review.username ?? review.userId ?? 'a user');
  const decided = review.status === 'not-expected';
  const title =
    kind === 'remind'
      ? `Reminder: the change to ${who} still needs a decision`
      : decided
        ? `Not expected: the change to ${who}`
        : `No decision on the change to ${who}`;
  const summary =
    kind === 'remind'
      ? `Expected or Not expected, by ${(settings?.reviewers ?? []).join(', ')} (reminder ${review.remindersSent} of ${settings?.reminders ?? review.remindersSent})`
      : decided
        ? `${review.decidedBy?.name ?? 'A reviewer'}: "${sanitizeLine(review.reason ?? '')}"`
        : `Nobody decided after ${review.remindersSent} reminders`;
  const message: Message = {
    title,
    summary,
    severity: kind === 'remind' ? 'notice' : 'warning',
    facts: [],
    lines: review.what,
    fallback: title,
    mentions: kind === 'escalate' ? (settings?.escalate ?? []) : [],
  };
  const sent = await sender.adapter
    .send(message, ref === null ? undefined : { thread: 'reply', root: ref, broadcast: false })
    .catch((e: Error) => ({ status: 'retry' as const, reason: e.message }));
  if (sent.status !== 'sent')
    d.log.warn({ review: review.id, channel: review.channel, kind, reason: sent.reason }, 'a review reply failed');
  return sent.status === 'sent';
}

/** Why `ids` cannot be a channel's reviewers (its type's id syntax, or a type that cannot decide), or null. */
function reviewerProblem(ch: ChannelConfig | null, ids: readonly string[]): string | null {
  const shape = ch ? reviewerSchema(ch.type) : null;
  if (!shape) return `this channel's type cannot take decisions (types that can: ${DECISION_TYPES.join(', ')})`;
  if (ids.length === 0) return 'name at least one reviewer';
  const bad = ids.find((id) => !is(id, shape));
  return bad === undefined ? null : `"${sanitizeLine(bad).slice(0, 40)}" is not a reviewer id here`;
}

/** The channel's sender and the delivery whose message asked for the review (its ref: the message). */
async function requestOf(d: Parameters<typeof reviewDeps>[0], review: Review) {
  const sender = await d.senderFor(review.channel);
  const [delivery] = await d.store.listDeliveries({ eventId: review.eventId, channel: review.channel, limit: 1 });
  return { sender, delivery };
}

/**
 * A decided review on its message: edited from the stored review, or, where the platform cannot
 * edit (a webhook), told in a new message built the same way; a "Not expected" escalated.
 */
async function showDecision(d: Parameters<typeof reviewDeps>[0], review: Review): Promise<void> {
  const { sender, delivery } = await requestOf(d, review);
  const event = await d.store.getEvent(review.eventId);
  if (!sender.ok || !delivery || !event) {
    d.log.warn(
      { review: review.id, channel: review.channel, reason: sender.ok ? 'its request is not stored' : sender.reason },
      'a decided review could not be shown',
    );
    return;
  }
  const [out] = sender.messages([{ event, delivery }]);
  const reviewers = reviewSettingsOf(d.config(), review.channel, d.chatReviewers)?.reviewers ?? [];
  const decided = withReview(out!.message, review, reviewers, sender.review?.openUrl(review.eventId) ?? null);
  const ref = delivery.ref;
  const shown = await (
    ref !== null && sender.adapter.update
      ? sender.adapter.update(ref, decided)
      : sender.adapter.send(
          decided,
          delivery.threadRef ? { thread: 'reply', root: delivery.threadRef, broadcast: false } : undefined,
        )
  ).catch((e: Error) => ({ status: 'retry' as const, reason: e.message }));
  if (shown.status !== 'sent')
    d.log.warn({ review: review.id, channel: review.channel, reason: shown.reason }, 'showing a decided review failed');
  if (review.status === 'not-expected') await reply(d, sender, review, delivery.threadRef ?? ref, 'escalate');
}
