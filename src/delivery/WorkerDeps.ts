import type { Logger } from 'pino';
import type { SendOutcome } from './Adapter.ts';
import type { EventStore, LeaseStore, MuteStore, ReviewStore, ThreadStore } from '../store/Store.ts';
import type { ChannelSender, DueItem } from './ChannelSender.ts';
import type { RetryPolicy } from './retryPolicy.ts';

/** What the delivery worker is given: the store, the channel plans, time, randomness, observers. */
export interface WorkerDeps {
  store: EventStore &
    LeaseStore &
    ThreadStore &
    Pick<MuteStore, 'listMutes' | 'markMuted'> &
    Pick<ReviewStore, 'openReview'>;
  /** This instance's name in channel leases (unique per process). */
  owner: string;
  /** How long a channel lease lasts without renewal; a killed instance's channels are taken over after it. */
  leaseMs?: number;
  senderFor: (channel: string) => ChannelSender | Promise<ChannelSender>;
  clock: () => number;
  random: () => number;
  log: Logger;
  retry?: RetryPolicy;
  /** How often the store is polled for due work when nothing wakes the worker. */
  pollMs?: number;
  /** Most deliveries taken from one channel at a time (one digest's worth at most). */
  batchLimit?: number;
  /** Observes every attempt (metrics, tests). */
  onAttempt?: (channel: string, outcome: SendOutcome, deliveries: number) => void;
  /** Observes every edit of a thread's root (metrics, tests). */
  onEdit?: (channel: string, outcome: SendOutcome) => void;
  /** Observes each delivery whose outcome the store refused for good (it is set aside). */
  onRefusedWrite?: (channel: string) => void;
  /** Observes deliveries reaching a final outcome, with their events. */
  onSettled?: (channel: string, outcome: 'sent' | 'dead' | 'muted', items: DueItem[]) => void;
}
