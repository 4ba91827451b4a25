import type { Adapter, Placement } from './Adapter.ts';
import type { Message } from '../render/Message.ts';
import type { Delivery, SentInThread, StoredEvent, ThreadSettings } from '../store/Store.ts';

export type { ThreadSettings };
import type { RateWindow } from './RateLimiter.ts';
import type { Hours } from './quietHours.ts';

/** A pending delivery the worker took, with its event. */
export interface DueItem {
  delivery: Delivery;
  event: StoredEvent;
}

/** One message to send and the deliveries it carries (one event, or a digest of several). */
export interface Outgoing {
  message: Message;
  deliveryIds: number[];
  /**
   * On a threaded channel: where it goes, what its send changes in the agents' threads, and
   * the thread it replies to (so a deleted root can be forgotten).
   */
  thread?: {
    placement?: Placement;
    sent: SentInThread;
    replyTo?: { userId: string; ref: string };
    /** A reply in the thread a root earlier in the same read starts (its placement key): placed once that root has its ref. */
    underNewRoot?: { key: string; userId: string };
    /** A root that carries no delivery of its own: a failure to send it is recorded for these (its thread's replies). */
    dependents?: number[];
  };
  /** A courtesy message (a broadcast's pointer): its failure is logged, it carries no delivery. */
  courtesy?: true;
}

/** Days without a change after which an agent's next event starts a new thread, unless `thread_days` says. */
export const DEFAULT_THREAD_DAYS = 30;

/** What a threaded channel can do, and how its roots and pointers read. */
export interface ThreadedChannel {
  settings: ThreadSettings;
  /** Whether a root can be edited to show the newest state (Slack, the Teams bot). */
  edit: boolean;
  /** How a broadcast reply shows in the channel: the platform's own way, or a pointer message. */
  broadcast: 'native' | 'pointer';
  /** The root edits' own limits, when the platform counts them apart from posts; else they share the channel's. */
  editLimits?: readonly RateWindow[];
  /** The root: the agent as the newest of `items` shows them, with the thread's count of changes. */
  root(items: readonly DueItem[], changes: number): Message;
  /** The channel's pointer to a broadcast reply. */
  pointer(reply: Message, item: DueItem): Message;
}

/** What the worker needs to send on a channel, read at send time from the config in force. */
export type ChannelSender =
  | {
      ok: true;
      adapter: Adapter;
      limits: readonly RateWindow[];
      messages: (items: DueItem[]) => Outgoing[];
      thread?: ThreadedChannel;
      /** The hours to honour (the channel's `active:` / `quiet:`, its routes'), and the summary of what waited them out. */
      hours: Hours;
      away: (items: DueItem[]) => Outgoing[];
      /** The channel's reviews (`reviewers:`), when it has them: a reviewed item asks them for a decision. */
      review?: ChannelReviews;
    }
  | { ok: false; reason: string };

/** What the worker needs of a channel's reviews: who decides, what a review keeps, its admin page. */
export interface ChannelReviews {
  reviewers: readonly string[];
  /** How long a request waits before its first reminder. */
  remindAfterMs: number;
  /** What changed, one labelled line per change (the review's own copy). */
  what(item: DueItem): string[];
  /** The event's page on the admin site (PUBLIC_URL), or null. */
  openUrl(eventId: number): string | null;
  /** On a channel decided by link (a webhook): the review's page on the admin site, where its reviewers decide. */
  reviewUrl?: (reviewId: number) => string;
}
