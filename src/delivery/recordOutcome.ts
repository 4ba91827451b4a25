import type { Logger } from 'pino';
import type { SendOutcome } from './Adapter.ts';
import { StoreRefusedError, type EventStore, type SentInThread } from '../store/Store.ts';
import type { DueItem } from './ChannelSender.ts';
import { afterRetryableFailure, type RetryPolicy } from './retryPolicy.ts';

export interface OutcomeDeps {
  store: Pick<EventStore, 'markSent' | 'markDead' | 'markRetry'>;
  log: Logger;
  retry: RetryPolicy;
  random: () => number;
  clock: () => number;
  onSettled?: (channel: string, outcome: 'sent' | 'dead', items: DueItem[]) => void;
  /** Observes each delivery whose outcome the store refused for good (metrics). */
  onRefusedWrite?: (channel: string) => void;
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
    await d.store.markSent(ids, now, thread, outcome.ref ?? null);
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

/** A send's outcome not yet in the store, and when to try writing it again. */
interface Held {
  ids: number[];
  items: DueItem[];
  outcome: SendOutcome;
  at: number;
  thread?: SentInThread & { channel: string };
  tries: number;
  retryAt: number;
}

/** The first wait before a held outcome is written again; it doubles with each failure, up to the most. */
const HELD_FIRST_WAIT_MS = 1_000;
const HELD_MOST_WAIT_MS = 30_000;
/** Deliveries set aside at the most (the oldest are forgotten first: they may then be sent again). */
const SET_ASIDE_MAX = 10_000;

/**
 * Records outcomes, whatever the store does meanwhile:
 * - the store is unavailable (a lost connection, a timeout): the outcome is held, one per
 *   channel, and written again with backoff (1 s doubling to 30 s) before that channel's due
 *   work is read again, so a message a platform took is not sent a second time when the store
 *   comes back. Kept in this process only: another instance that takes the channel after its
 *   lease lapses cannot know it.
 * - the store refuses the write for good (StoreRefusedError: a constraint, a wrong type): the
 *   outcome is written again one delivery at a time, and each delivery still refused is logged
 *   once with its id, counted, and set aside: not read again by this process, so it never
 *   holds back the channel's other deliveries (after a restart it is pending, and sent again).
 */
export class OutcomeRecorder {
  private readonly held = new Map<string, Held>();
  private readonly aside = new Set<number>();
  private refusals = { count: 0, lastAt: null as number | null };

  constructor(private readonly deps: OutcomeDeps) {}

  /**
   * recordOutcome, or, when the store cannot take it now, the outcome held (see the class):
   * `held` then, and the channel must wait. `wakeAt`: when to look at the channel again
   * (a retry's next attempt, or the next write of the held outcome), or null.
   */
  async record(
    channel: string,
    ids: number[],
    items: DueItem[],
    outcome: SendOutcome,
    at: number,
    thread?: SentInThread & { channel: string },
  ): Promise<{ wakeAt: number | null; held: boolean }> {
    const next = await this.write(channel, {
      ids,
      items,
      outcome,
      at,
      ...(thread && { thread }),
      tries: 0,
      retryAt: 0,
    });
    const held = this.heldUntil(channel);
    return { wakeAt: held ?? next, held: held !== null };
  }

  /** When a channel's held outcome is due to be written again (its work waits until then), or null. */
  heldUntil(channel: string): number | null {
    return this.held.get(channel)?.retryAt ?? null;
  }

  /** Whether a delivery's outcome was refused by the store: its channel's reads pass it by. */
  isSetAside(deliveryId: number): boolean {
    return this.aside.has(deliveryId);
  }

  /** Deliveries whose outcome the store refused for good, since start, and when it last did. */
  refused(): { count: number; lastAt: number | null } {
    return { ...this.refusals };
  }

  /**
   * Writes the channel's held outcome if it is due: `clear` (with the next attempt time to
   * schedule, or null) when nothing is held any longer, else `held` until when.
   */
  async flush(
    channel: string,
    force = false,
  ): Promise<{ clear: true; next: number | null } | { clear: false; until: number }> {
    const h = this.held.get(channel);
    if (!h) return { clear: true, next: null };
    if (!force && h.retryAt > this.deps.clock()) return { clear: false, until: h.retryAt };
    this.held.delete(channel);
    const next = await this.write(channel, h);
    const still = this.held.get(channel);
    if (still) return { clear: false, until: still.retryAt };
    this.deps.log.info(
      { channel, deliveries: h.ids.length, outcome: h.outcome.status, tries: h.tries + 1 },
      'recorded an outcome held while the store was unavailable',
    );
    return { clear: true, next };
  }

  /** At shutdown: writes what it can; logs what it cannot (those deliveries may be sent again). */
  async flushAll(): Promise<void> {
    for (const channel of [...this.held.keys()]) {
      const r = await this.flush(channel, true);
      if (!r.clear)
        this.deps.log.error(
          { channel, deliveries: this.held.get(channel)?.ids },
          'stopping with an outcome the store could not record: those deliveries may be sent again',
        );
    }
  }

  private async write(channel: string, h: Held): Promise<number | null> {
    try {
      return await recordOutcome(this.deps, channel, h.ids, h.items, h.outcome, h.at, h.thread);
    } catch (e) {
      if (e instanceof StoreRefusedError) return this.oneByOne(channel, h, e);
      const tries = h.tries + 1;
      const wait = Math.min(HELD_MOST_WAIT_MS, HELD_FIRST_WAIT_MS * 2 ** (tries - 1));
      this.held.set(channel, { ...h, tries, retryAt: this.deps.clock() + wait });
      if (tries === 1)
        this.deps.log.warn(
          { channel, deliveries: h.ids, outcome: h.outcome.status, err: { message: (e as Error).message } },
          "the store could not record a send's outcome: it is held and written again when the store is back",
        );
      return null;
    }
  }

  /**
   * After a refusal: each delivery's outcome on its own (a thread's root bookkeeping, which
   * belongs to the whole message, is left out), so only what the store refuses is set aside.
   * A delivery that meets an unavailable store is held with the rest after it.
   */
  private async oneByOne(channel: string, h: Held, first: StoreRefusedError): Promise<number | null> {
    let next: number | null = null;
    const ids = h.ids.length === 1 && !h.thread ? [] : h.ids;
    if (ids.length === 0) this.setAside(channel, h, h.ids[0]!, first);
    for (const [i, id] of ids.entries()) {
      try {
        const n = await recordOutcome(this.deps, channel, [id], h.items, h.outcome, h.at);
        if (n !== null) next = next === null ? n : Math.min(next, n);
      } catch (e) {
        if (e instanceof StoreRefusedError) {
          this.setAside(channel, h, id, e);
          continue;
        }
        const rest = { ...h, ids: ids.slice(i), tries: h.tries + 1, retryAt: this.deps.clock() + HELD_FIRST_WAIT_MS };
        delete rest.thread;
        this.held.set(channel, rest);
        return next;
      }
    }
    return next;
  }

  private setAside(channel: string, h: Held, id: number, e: StoreRefusedError): void {
    if (this.aside.size >= SET_ASIDE_MAX) this.aside.delete(this.aside.values().next().value!);
    this.aside.add(id);
    this.refusals = { count: this.refusals.count + 1, lastAt: this.deps.clock() };
    this.deps.onRefusedWrite?.(channel);
    const event = h.items.find((i) => i.delivery.id === id)?.event.id;
    this.deps.log.error(
      { channel, delivery: id, event, outcome: h.outcome.status, err: { message: e.message } },
      "the store refused to record a delivery's outcome: set aside (this process will not send it again; a restart will)",
    );
  }
}
