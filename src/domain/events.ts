import type { EventKind } from '../vcc/changes.ts';
import type { VccEvent } from '../vcc/acceptVccBody.ts';
import type { PlannedDelivery } from '../routing/route.ts';
import type { ThreadRole } from './threads.ts';

// Events and their deliveries, as every layer above the store reads them.

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
  /** The message that carried it (the platform's ref: Slack ts, Teams activity id), once sent where the platform gives one. */
  ref: string | null;
  /** Sent as a reply in an agent's thread: that thread's root (its ref), else null. */
  threadRef: string | null;
}

/** Pending deliveries with their events, as the worker reads them. */
export type DueItems = Array<{ delivery: Delivery; event: StoredEvent }>;

export type IngestResult =
  { status: 'accepted'; eventId: number; deliveries: number } | { status: 'duplicate'; eventId: number };

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
