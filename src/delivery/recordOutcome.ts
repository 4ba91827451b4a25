import type { Logger } from 'pino';
import type { SendOutcome } from './Adapter.ts';
import type { EventStore, SentInThread } from '../store/Store.ts';
import type { DueItem } from './ChannelSender.ts';
import { afterRetryableFailure, type RetryPolicy } from './retryPolicy.ts';

export interface OutcomeDeps {
  store: Pick<EventStore, 'markSent' | 'markDead' | 'markRetry'>;
  log: Logger;
  retry: RetryPolicy;
  random: () => number;
  onSettled?: (channel: string, outcome: 'sent' | 'dead', items: DueItem[]) => void;
}

/**
 * Records what one send came to for the deliveries it carried: sent; dead (a permanent
 * failure, or retries exhausted by the policy); or pending again with its next attempt time,
 * which it returns (null otherwise) so the worker can schedule it. Logs each outcome.
 */
export async function recordOutcome(
  d: OutcomeDeps,
  channel: string,
  ids: number[],
  items: DueItem[],
  outcome: SendOutcome,
  now: number,
  thread?: SentInThread & { channel: string },
): Promise<number | null> {
  const idSet = new Set(ids);
  const carried = items.filter((i) => idSet.has(i.delivery.id));
  const events = carried.map((i) => i.event.id);
  if (outcome.status === 'sent') {
    await d.store.markSent(ids, now, thread);
    d.onSettled?.(channel, 'sent', carried);
    d.log.info({ channel, deliveries: ids.length, events }, 'delivered');
    return null;
  }
  if (outcome.status === 'permanent') {
    await d.store.markDead(ids, now, outcome.reason);
    d.onSettled?.(channel, 'dead', carried);
    d.log.warn({ channel, events, reason: outcome.reason }, 'delivery dead (permanent failure)');
    return null;
  }
  const attempts = Math.max(...carried.map((i) => i.delivery.attempts - i.delivery.retryBase)) + 1;
  const oldest = Math.min(...carried.map((i) => i.delivery.retrySince ?? i.delivery.createdAt));
  const decision = afterRetryableFailure(d.retry, attempts, oldest, now, outcome.retryAfterMs, d.random);
  if (decision.dead) {
    const reason = `gave up after ${attempts} attempts: ${outcome.reason}`;
    await d.store.markDead(ids, now, reason);
    d.onSettled?.(channel, 'dead', carried);
    d.log.warn({ channel, events, reason }, 'delivery dead (retries exhausted)');
    return null;
  }
  await d.store.markRetry(ids, now, decision.nextAttemptAt, outcome.reason);
  d.log.warn(
    { channel, events, attempts, retryInMs: decision.nextAttemptAt - now, reason: outcome.reason },
    'delivery will be retried',
  );
  return decision.nextAttemptAt;
}

/** A send's outcome not yet in the store. */
interface Held {
  ids: number[];
  items: DueItem[];
  outcome: SendOutcome;
  at: number;
  thread?: SentInThread & { channel: string };
}

/**
 * Records outcomes, and keeps per channel the one the store could not record (it was down):
 * the worker writes it with `flush` before it reads that channel's due work again, so a
 * message a platform took is not sent a second time when the store comes back. Kept in this
 * process only: another instance that takes the channel after its lease lapses cannot know it.
 */
export class OutcomeRecorder {
  private readonly held = new Map<string, Held>();

  constructor(private readonly deps: OutcomeDeps) {}

  /** recordOutcome; when the store throws, the outcome is held for `flush` and the error rethrown. */
  async record(
    channel: string,
    ids: number[],
    items: DueItem[],
    outcome: SendOutcome,
    at: number,
    thread?: SentInThread & { channel: string },
  ): Promise<number | null> {
    try {
      return await recordOutcome(this.deps, channel, ids, items, outcome, at, thread);
    } catch (e) {
      this.held.set(channel, { ids, items, outcome, at, ...(thread ? { thread } : {}) });
      throw e;
    }
  }

  /** Writes the channel's held outcome, if any (its next attempt time, or null); throws and keeps it while the store is down. */
  async flush(channel: string): Promise<number | null> {
    const h = this.held.get(channel);
    if (!h) return null;
    const next = await recordOutcome(this.deps, channel, h.ids, h.items, h.outcome, h.at, h.thread);
    this.held.delete(channel);
    this.deps.log.info(
      { channel, deliveries: h.ids.length, outcome: h.outcome.status },
      'recorded an outcome held while the store was unavailable',
    );
    return next;
  }

  /** At shutdown: writes what it can; logs what it cannot (those deliveries may be sent again). */
  async flushAll(): Promise<void> {
    for (const channel of [...this.held.keys()]) {
      await this.flush(channel).catch((e) =>
        this.deps.log.error(
          { channel, err: { message: (e as Error).message } },
          'stopping with an outcome the store could not record: those deliveries may be sent again',
        ),
      );
    }
  }
}
