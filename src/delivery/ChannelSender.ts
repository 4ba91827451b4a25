import type { Adapter } from './Adapter.ts';
import type { Message } from '../render/Message.ts';
import type { Delivery, StoredEvent } from '../store/Store.ts';
import type { RateWindow } from './RateLimiter.ts';

/** A pending delivery the worker took, with its event. */
export interface DueItem {
  delivery: Delivery;
  event: StoredEvent;
}

/** One message to send and the deliveries it carries (one event, or a digest of several). */
export interface Outgoing {
  message: Message;
  deliveryIds: number[];
}

/** What the worker needs to send on a channel, read at send time from the config in force. */
export type ChannelSender =
  | { ok: true; adapter: Adapter; limits: readonly RateWindow[]; messages: (items: DueItem[]) => Outgoing[] }
  | { ok: false; reason: string };
