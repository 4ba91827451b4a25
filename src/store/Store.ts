import type { EventKind } from '../vcc/changes.ts';
import type { Mention, PlannedDelivery } from '../routing/route.ts';
import type {
  Delivery,
  DeliveryStatus,
  DueItems,
  IngestResult,
  NewEvent,
  QueueStats,
  StoredEvent,
} from '../domain/events.ts';
import type { Refusal, StoredRefusal } from '../domain/refusals.ts';
import type { ChatSetting, ChatSettings, StoredConversation, Subscription } from '../domain/chat.ts';
import type { EventPage, EventSearch } from './eventSearch.ts';
import type { SentInThread, ThreadStore } from './ThreadStore.ts';
import type { MuteStore } from './MuteStore.ts';
import type { AuditStore } from './auditSql.ts';
import type { ReviewStore } from './reviewSql.ts';
import type { SessionStore } from './sessionSql.ts';
import type { Transactions } from './TxStep.ts';

// The persistence contract. The records it keeps are src/domain/'s (re-exported here for the
// store's own files); the writes people make are transaction steps (writeSteps.ts, auditSql.ts).
export type { PlannedDelivery };
export * from '../domain/events.ts';
export * from '../domain/refusals.ts';
export * from '../domain/chat.ts';
export * from '../domain/threads.ts';
export * from '../domain/mutes.ts';
export * from '../domain/audit.ts';
export * from '../domain/reviews.ts';
export * from '../domain/sessions.ts';
export type { SentInThread, ThreadStore } from './ThreadStore.ts';
export type { MuteStore } from './MuteStore.ts';
export type { AuditStore } from './auditSql.ts';
export type { ReviewFilter, ReviewStore } from './reviewSql.ts';
export type { SessionStore } from './sessionSql.ts';
export type { Transactions, TxResult, TxStep } from './TxStep.ts';

/** A store operation failed because the store cannot be reached or written (answer 503). */
export class StoreUnavailableError extends Error {
  readonly code: string = 'store_unavailable';
}

/**
 * The store refused a write for what it holds (a constraint, a value of the wrong type), not
 * for a lost connection: the same write fails again however often it is tried.
 */
export class StoreRefusedError extends StoreUnavailableError {
  override readonly code: string = 'store_refused';
}

// The persistence contract, split by concern so that each consumer depends on the part it
// uses; SQLite and Postgres implement all of it (`Store`). Every method rejects with
// StoreUnavailableError when the store cannot do its work; a resolved write is durable
// (synced to disk) when the promise settles.

/** Events, their deliveries, and refused requests: ingest, the worker's queue, listings. */
export interface EventStore {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Stores the event and one pending delivery per planned channel in one transaction, or
   * nothing when an event with the same dedupKey exists (then `duplicate` and its id).
   */
  ingest(ev: NewEvent, deliveries: readonly PlannedDelivery[]): Promise<IngestResult>;
  recordRefusal(r: Refusal): Promise<void>;
  getEvent(id: number): Promise<StoredEvent | null>;
  /** Listings are newest first and keyset-paginated: `beforeId` is the last id of the previous page. */
  listEvents(opts: { limit: number; beforeId?: number }): Promise<StoredEvent[]>;
  /** Events matching every filter given, newest first, one page (see eventSearch.ts). */
  searchEvents(f: EventSearch): Promise<EventPage<StoredEvent>>;
  /**
   * Indexes the next events received before `before` for search (at most INDEX_BATCH, one
   * transaction) and drops the keys of events retention removed; returns how many it indexed.
   */
  indexSearch(before: number): Promise<number>;
  listDeliveries(opts: {
    eventId?: number;
    status?: DeliveryStatus;
    channel?: string;
    beforeId?: number;
    limit: number;
  }): Promise<Delivery[]>;
  /** The deliveries of these events (a page's worth), in one read: event id to its deliveries, oldest first. */
  deliveriesOf(eventIds: readonly number[]): Promise<Map<number, Delivery[]>>;
  listRefusals(opts: { limit: number; beforeId?: number }): Promise<StoredRefusal[]>;
  /** Channels that have a pending delivery or a root edit due at `now`, oldest due first. */
  dueChannels(now: number, limit: number): Promise<string[]>;
  /**
   * The channel's pending deliveries in event order, with their events, up to `limit`;
   * empty when the channel's oldest pending delivery is not yet due (order is kept).
   * With `afterId` (the next page, past deliveries the worker holds for their hours): those
   * after it that are due.
   */
  duePending(channel: string, now: number, limit: number, afterId?: number): Promise<DueItems>;
  /**
   * Marks deliveries sent, with the platform's ref of the message that carried them (null:
   * none given); on a threaded channel, with what the send changed in its threads (one transaction).
   */
  markSent(
    ids: readonly number[],
    now: number,
    thread?: SentInThread & { channel: string },
    ref?: string | null,
  ): Promise<void>;
  markRetry(ids: readonly number[], now: number, nextAttemptAt: number, error: string): Promise<void>;
  markDead(ids: readonly number[], now: number, error: string): Promise<void>;
  /** Re-queues dead deliveries (attempts keep counting; retries count from now); returns how many. */
  replayDead(opts: { channel?: string; since?: number; ids?: readonly number[] }, now: number): Promise<number>;
  /**
   * Queues a stored event for a channel now, whatever routing decided at ingest: a new
   * delivery, or, when the event already has one for that channel, that one again (pending,
   * attempts keep counting, retries count from now). Null when there is no such event.
   */
  resend(eventId: number, d: PlannedDelivery, now: number): Promise<{ deliveryId: number; requeued: boolean } | null>;
  /**
   * Deletes, in one short transaction, at most `limit` of the oldest events received before
   * `before` whose deliveries are all final (sent or dead), with those deliveries, and at
   * most `limit` refusals older than that; returns how many of each went. Callers repeat
   * while a batch came back full, so a large backlog never holds the writer for long.
   */
  prune(before: number, limit: number): Promise<{ events: number; refusals: number }>;
  /** How many deliveries are pending, and when the oldest of them was accepted (ms), if any. */
  /**
   * Pending deliveries, how many of them wait out quiet hours (`held`, see HELD_BY_HOURS), and
   * when the oldest of the others was created (what an alert on a stuck queue wants).
   */
  queueStats(): Promise<QueueStats>;
  /** Notes on pending deliveries why they wait (a HELD_BY_HOURS reason as their last error); others are left alone. */
  markHeld(ids: readonly number[], now: number, reason: string): Promise<void>;
}

/** Per-channel send leases, so several instances never send to one channel at once. */
export interface LeaseStore {
  /**
   * Takes or renews the lease on a channel for `owner` until `now + leaseMs`: granted when
   * no one holds it, it expired, or `owner` holds it already. Returns null when another
   * instance holds it, else when the channel last sent (to keep its rate across instances).
   */
  claimChannel(
    channel: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<{ lastSendAt: number | null } | null>;
  /** Gives the lease up (if `owner` holds it) and records the channel's last send time. */
  releaseChannel(channel: string, owner: string, lastSendAt: number | null): Promise<void>;
}

/** Channel subscriptions and settings made from chat. */
export interface SubscriptionStore {
  listSubscriptions(): Promise<Subscription[]>;
  addSubscription(s: Omit<Subscription, 'id'>): Promise<number>;
  /** Sets a subscription's kinds (an empty list deletes it) and, when given, its mentions. */
  setSubscriptionEvents(id: number, events: EventKind[] | null, mention?: Mention[]): Promise<void>;
  /** One setting of chat-made channels (`/vcc thread agent`, `/vcc hours ...`), by channel. */
  chatSettings<K extends ChatSetting>(what: K): Promise<Map<string, ChatSettings[K]>>;
  /** Sets a chat-made channel's setting, or removes it (null: none). */
  setChatSetting<K extends ChatSetting>(
    what: K,
    channel: string,
    settings: ChatSettings[K] | null,
    by: string,
    at: number,
  ): Promise<void>;
}

/** Teams conversation references, captured when the bot is added to a team or chat. */
export interface ConversationStore {
  /** Stores or replaces the reference for a conversation. */
  saveConversation(c: StoredConversation): Promise<void>;
  getConversation(id: string): Promise<StoredConversation | null>;
}

/**
 * What the doors people use (the admin page, the CLI, chat) may read. They change nothing
 * themselves: every change is an action (src/actions/), which writes with its audit entry.
 */
export type StoreReads = Pick<
  EventStore,
  | 'kind'
  | 'getEvent'
  | 'listEvents'
  | 'searchEvents'
  | 'listDeliveries'
  | 'deliveriesOf'
  | 'listRefusals'
  | 'queueStats'
> &
  Pick<MuteStore, 'listMutes'> &
  Pick<SubscriptionStore, 'listSubscriptions' | 'chatSettings'> &
  Pick<ThreadStore, 'threadsOf' | 'threadRoots'> &
  Pick<AuditStore, 'listAudit'> &
  Pick<ReviewStore, 'getReview' | 'reviewOf' | 'listReviews'> &
  Pick<ConversationStore, 'getConversation'> &
  SessionStore;

/** All of it, with the connection's life: what the composition root opens and closes. */
export interface Store
  extends
    EventStore,
    LeaseStore,
    ThreadStore,
    MuteStore,
    SubscriptionStore,
    ConversationStore,
    AuditStore,
    ReviewStore,
    SessionStore,
    Transactions {
  /** Succeeds when the store can be read and written. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
