import type { Logger } from 'pino';
import type { NotifyConfig } from '../config/NotifyConfig.ts';
import type { EventStore, Review } from '../store/Store.ts';
import type { ReviewDeps } from '../actions/ActionDeps.ts';
import type { ChannelSender } from '../delivery/ChannelSender.ts';
import type { Message } from '../render/Message.ts';
import { withReview } from '../render/reviewText.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { chatChannel, type ChannelConfig } from '../platforms/registry.ts';

/** A channel's settings as a comparable key: the same place whatever the order of its fields. */
const placeKey = (ch: ChannelConfig | null | undefined) =>
  ch ? JSON.stringify(Object.entries(ch).sort(([a], [b]) => a.localeCompare(b))) : null;

/**
 * What deciding a review needs of the channels: the reviewers in the config in force, whether
 * a channel is the chat channel a click came from, and, once decided, the request's message
 * edited from the stored review (Adapter.update through the ref its send stored) and a "Not
 * expected" escalated as a reply that pages the channel's `escalate:`.
 */
export function reviewDeps(d: {
  store: Pick<EventStore, 'getEvent' | 'listDeliveries'>;
  config: () => NotifyConfig;
  channelConfig: (name: string) => ChannelConfig | null;
  senderFor: (channel: string) => Promise<ChannelSender>;
  log: Logger;
}): ReviewDeps {
  return {
    settingsOf: (channel) => d.config().reviews[channel] ?? null,
    isAt: (channel, address) => {
      const here = placeKey(chatChannel(address));
      return here !== null && placeKey(d.channelConfig(channel)) === here;
    },
    decided: async (review) => {
      const sender = await d.senderFor(review.channel);
      const [delivery] = await d.store.listDeliveries({ eventId: review.eventId, channel: review.channel, limit: 1 });
      const event = await d.store.getEvent(review.eventId);
      if (!sender.ok || !delivery?.ref || !event || !sender.adapter.update) {
        d.log.warn(
          { review: review.id, channel: review.channel, reason: sender.ok ? 'no message to edit' : sender.reason },
          'a decided review could not be shown on its message',
        );
        return;
      }
      const [out] = sender.messages([{ event, delivery }]);
      const reviewers = d.config().reviews[review.channel]?.reviewers ?? [];
      const openUrl = sender.review?.openUrl(review.eventId) ?? null;
      const edited = await sender.adapter.update(delivery.ref, withReview(out!.message, review, reviewers, openUrl));
      if (edited.status !== 'sent')
        d.log.warn(
          { review: review.id, channel: review.channel, reason: edited.reason },
          'editing a decided review failed',
        );
      if (review.status === 'not-expected') await escalate(d, sender, review, delivery.ref);
    },
  };
}

/** A "Not expected" as a reply to the request that pages the channel's `escalate:`. */
async function escalate(
  d: { config: () => NotifyConfig; log: Logger },
  sender: Extract<ChannelSender, { ok: true }>,
  review: Review,
  ref: string,
): Promise<void> {
  const escalateTo = d.config().reviews[review.channel]?.escalate ?? [];
  const who = review.username ?? review.userId ?? 'a user';
  const title = `Not expected: the change to ${sanitizeLine(who)}`;
  const message: Message = {
    title,
    summary: `${review.decidedBy?.name ?? 'A reviewer'}: "${sanitizeLine(review.reason ?? '')}"`,
    severity: 'warning',
    facts: [],
    lines: review.what,
    fallback: title,
    mentions: escalateTo,
  };
  const sent = await sender.adapter.send(message, { thread: 'reply', root: ref, broadcast: false });
  if (sent.status !== 'sent')
    d.log.warn({ review: review.id, channel: review.channel, reason: sent.reason }, 'escalating a review failed');
}
