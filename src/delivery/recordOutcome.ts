import type { Logger } from 'pino';
import type { SendOutcome } from '../platforms/Adapter.ts';
import type { EventStore } from '../store/Store.ts';
import type { DueItem } from './ChannelPlan.ts';
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
export async function recordOutcome(d: OutcomeDeps, channel: string, ids: number[], items: DueItem[], outcome: SendOutcome, now: number): Promise<number | null> {
  const idSet = new Set(ids);
  const carried = items.filter((i) => idSet.has(i.delivery.id));
  const events = carried.map((i) => i.event.id);
  if (outcome.status === 'sent') {
    await d.store.markSent(ids, now);
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
  d.log.warn({ channel, events, attempts, retryInMs: decision.nextAttemptAt - now, reason: outcome.reason }, 'delivery will be retried');
  return decision.nextAttemptAt;
}
