import type { EventStore, MuteStore, Review, ReviewStore, SubscriptionStore, Transactions } from '../store/Store.ts';
import type { SendOutcome } from '../delivery/Adapter.ts';
import type { Route } from '../routing/route.ts';
import type { ChangePolicy } from './ChangePolicy.ts';

/** What the actions need: the store's writes (as transactions), its reads, and the service around them. */
export interface ActionDeps {
  store: Transactions &
    Pick<SubscriptionStore, 'listSubscriptions'> &
    Pick<MuteStore, 'listMutes'> &
    Pick<EventStore, 'getEvent' | 'deliveriesOf'> &
    Pick<ReviewStore, 'getReview' | 'dueReviews'>;
  clock: () => number;
  policy: ChangePolicy;
  /** Subscriptions one chat channel may hold (CHAT_MAX_SUBSCRIPTIONS). */
  maxSubscriptions: number;
  /** The names of the config file's time intervals, which hours from chat use. */
  intervals: () => readonly string[];
  /** Whether a channel of that name exists (the config file's, or a chat-made one). */
  knownChannel: (name: string) => boolean;
  /** The names of the config file's channels, for a refusal that lists them. */
  channelNames: () => readonly string[];
  /** The routes in force (file and chat): what a resend plans with. */
  routes: () => readonly Route[];
  /** After a change to chat-made channels: re-read them (routing's mirror). */
  changed: () => Promise<void>;
  /** After something was queued (replay, resend, held sent): the worker looks now. */
  queued: () => void;
  /** Sends the sample notification to a channel. */
  sendTest: (channel: string) => Promise<SendOutcome>;
  reviews: ReviewDeps;
  /** Observes review decisions and refused clicks (metrics). */
  observeReviews?: ReviewObserver;
}

/** Why a review click was refused, as metrics count it. */
export const REVIEW_REFUSALS = [
  'not_reviewer',
  'other_channel',
  'own_account',
  'already_decided',
  'no_reason',
  'no_reviewers',
] as const;
export type ReviewRefusal = (typeof REVIEW_REFUSALS)[number];

export interface ReviewObserver {
  decided(review: Review): void;
  refused(reason: ReviewRefusal): void;
}

/** What deciding a review needs of the channels. */
export interface ReviewDeps {
  /** The channel's reviewers in the config in force, or null (it has none). */
  settingsOf(channel: string): { reviewers: readonly string[]; reminders: number; remindAfterMs: number } | null;
  /** Why these reviewer ids cannot decide on `channel` (its platform's syntax), or null. */
  checkReviewers(channel: string, ids: readonly string[]): string | null;
  /** Whether the channel named `channel` is the chat channel `address` (`slack:C0123`) a click came from. */
  isAt(channel: string, address: string): boolean;
  /** After a decision: edits the request's message from the stored review, and escalates a "Not expected". */
  decided(review: Review): Promise<void>;
  /** When the request's hours (its channel's, its routes') next allow a reminder, if they are quiet at `now`; else null. */
  quietUntil(review: Review, now: number): Promise<number | null>;
  /**
   * Replies to a pending request: a reminder naming its reviewers, or (`escalated`) the
   * escalation paging `escalate:`. False when it could not be sent now (logged; tried again).
   */
  remind(review: Review, escalated: boolean): Promise<boolean>;
}
