import type { EventKind } from '../vcc/changes.ts';
import type { VccEvent } from '../vcc/acceptVccBody.ts';
import type { WhereTerm } from '../routing/conditions.ts';
import type { Mention, PlannedDelivery } from '../routing/route.ts';
import type { EventPage, EventSearch } from './eventSearch.ts';
import type { SentInThread, ThreadRole, ThreadStore } from './ThreadStore.ts';
import type { MuteStore } from './MuteStore.ts';
import type { ChatSetting, ChatSettings } from './chatSettingsSql.ts';
export type { ChatHours, ChatSetting, ChatSettings } from './chatSettingsSql.ts';

export type { PlannedDelivery };
export { THREAD_ROLES } from './ThreadStore.ts';
export type { SentInThread, ThreadRole, ThreadRoot, ThreadSettings, ThreadStore } from './ThreadStore.ts';
export type { Mute, MuteStore, NewMute } from './MuteStore.ts';

/** An event ready to be stored (src/vcc/acceptVccBody.ts); repeats of its dedup key are `duplicate`. */
export type NewEvent = Omit<VccEvent, 'kinds'>;

export interface StoredEvent extends NewEvent {
  id: number;
  kinds: EventKind[];
}

/** A delivery's status: waiting, sent, given up (replayable), or held back by a mute (resendable). */
export const DELIVERY_STATUSES = ['pending', 'sent', 'dead', 'muted'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery extends PlannedDelivery {
  id: number;
  eventId: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  /** Attempts made before the last replay or resend: the retry policy counts from here. */
  retryBase: number;
  /** When it was last replayed or resent (the retry policy's age counts from then), or null. */
  retrySince: number | null;
  /** Sent on a threaded channel: as the agent's root, a reply, or to the channel; else null. */
  thread: ThreadRole | null;
  /** The mute that held it back (status `muted`), else null. */
  mutedBy: number | null;
}

/** Pending deliveries with their events, as the worker reads them. */
export type DueItems = Array<{ delivery: Delivery; event: StoredEvent }>;

export type IngestResult =
  { status: 'accepted'; eventId: number; deliveries: number } | { status: 'duplicate'; eventId: number };

/** A request we refused, kept so an operator can see what VCC sent and why it was refused. */
export interface Refusal {
  receivedAt: number;
  method: string;
  status: number;
  code: string;
  message: string;
  /** The failing JSON path, when validation refused it. */
  path: string | null;
  /** Redacted (no password) and truncated body excerpt, or null when none is kept. */
  body: string | null;
  contentType: string | null;
  remoteAddr: string | null;
}

export interface StoredRefusal extends Refusal {
  id: number;
}

/** A Teams conversation the bot was added to, with the reference proactive sends need. */
export interface StoredConversation {
  id: string;
  /** botbuilder's ConversationReference, as captured from the installing activity. */
  reference: Record<string, unknown>;
  name: string | null;
  updatedAt: number;
}

/** A subscription made from inside a chat channel (`/vcc subscribe ...`). */
export interface Subscription {
  id: number;
  /** The chat channel's name in routing: `slack:C0123` or `teams:19:...@thread.tacv2`. */
  channel: string;
  /** Null: every kind. */
  events: EventKind[] | null;
  where: WhereTerm[];
  /** Whom the channel pages for these events (`mention` in the chat command). */
  mention: Mention[];
  createdBy: string;
  createdAt: number;
}

/** How a delivery that waits out quiet hours says so: its last error starts with this. */
export const HELD_BY_HOURS = 'held by quiet hours';

export interface QueueStats {
  pending: number;
  /** Of the pending, those waiting out quiet hours. */
  held: number;
  /** The oldest pending delivery that is not held, or null. */
  oldestPendingCreatedAt: number | null;
}

/** A delivery's status as people read it: `held` for a pending one that waits out quiet hours. */
export const shownStatus = (d: Pick<Delivery, 'status' | 'lastError'>): string =>
  d.status === 'pending' && d.lastError?.startsWith(HELD_BY_HOURS) ? 'held' : d.status;

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
  /** Marks deliveries sent; on a threaded channel, with what the send changed in its threads (one transaction). */
  markSent(ids: readonly number[], now: number, thread?: SentInThread & { channel: string }): Promise<void>;
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

/** All of it, with the connection's life: what the composition root opens and closes. */
export interface Store extends EventStore, LeaseStore, ThreadStore, MuteStore, SubscriptionStore, ConversationStore {
  /** Succeeds when the store can be read and written. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
