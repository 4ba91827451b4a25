import type { SendOutcome } from './Adapter.ts';
import type { ChannelSender, DueItem, Outgoing } from './ChannelSender.ts';
import type { WorkerDeps } from './WorkerDeps.ts';
import { ChannelLimiters, type RateLimiter } from './RateLimiter.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retryPolicy.ts';
import { OutcomeRecorder } from './recordOutcome.ts';
import { ChannelLease } from './channelLease.ts';
import { editDeps, editRoots, ReadPlacement, threadOutcome, type EditDeps } from './threadWork.ts';
import { readMessages, type ReadDeps } from './readBatch.ts';
import { ActiveMutes } from './mutes.ts';
import { RepeatedLog } from './repeatedLog.ts';
import { FailedChannels } from './failedChannels.ts';

export { DEFAULT_RETRY, type RetryPolicy, type WorkerDeps };

type Ready = Extract<ChannelSender, { ok: true }>;

/** Rate-limit waits up to this long are slept inline; longer ones go back to the scheduler. */
const INLINE_WAIT_MS = 2_000;
/**
 * While a channel keeps receiving, its reads are at least this far apart (after one that did
 * not fill a batch): a burst goes out as a few digests read by a few statements, instead of
 * one read, send and update for whatever arrived during the previous send.
 */
const GATHER_MS = 100;

/**
 * Delivers pending deliveries: per channel in event order, one channel's work at a time,
 * rate limited per channel, retried with exponential backoff and jitter (a platform's
 * Retry-After wins), dead after a permanent failure or past the retry policy's limits.
 * Several due deliveries on one channel go out as digests. At-least-once: a delivery is
 * marked sent only after its send returned, so a crash repeats at most the send in flight.
 */
export class DeliveryWorker {
  private readonly busy = new Map<string, Promise<void>>();
  private readonly limiters = new ChannelLimiters();
  /** Channels in quiet hours, until their hours begin; and channels an event arrived for since the last look. */
  private readonly quietUntil = new Map<string, number>();
  private woken = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private ticking: Promise<void> | null = null;
  private again = false;
  readonly outcomes: OutcomeRecorder;
  private readonly lease: number;
  private readonly failed: FailedChannels;
  private readonly repeated: RepeatedLog;
  private readonly reading: ReadDeps;

  constructor(private readonly deps: WorkerDeps) {
    this.lease = deps.leaseMs ?? 30_000;
    const onMuted: ReadDeps['onMuted'] = (channel, items) => deps.onSettled?.(channel, 'muted', items);
    this.reading = { store: deps.store, log: deps.log, mutes: new ActiveMutes(deps.store), onMuted };
    this.outcomes = new OutcomeRecorder({ ...deps, retry: deps.retry ?? DEFAULT_RETRY });
    this.repeated = new RepeatedLog(deps.log, deps.clock);
    this.failed = new FailedChannels(deps.clock, this.repeated, (at) => this.schedule(at));
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /**
   * Looks for due work soon (called when an event is accepted or a replay is made). Wakes
   * that come while a look is pending or under way are folded into one more look; a wake
   * for channels that are all being worked needs no look (their work loop re-reads).
   */
  wake(channels?: readonly string[]): void {
    if (!this.running) return;
    for (const c of channels ?? []) this.woken.add(c);
    if (channels && channels.every((c) => this.busy.has(c))) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.tick())
      .finally(() => {
        this.ticking = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops taking work and waits for the sends in flight to finish and be recorded. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.all(this.busy.values());
    await this.outcomes.flushAll();
  }

  private schedule(at: number): void {
    if (!this.running) return;
    const delay = Math.max(0, Math.min(at - this.deps.clock(), this.deps.pollMs ?? 1000));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, delay);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    let channels: string[] = [];
    try {
      channels = await this.deps.store.dueChannels(this.deps.clock(), 100);
    } catch (e) {
      this.repeated.error('', { err: { message: (e as Error).message } }, 'worker cannot read the store');
    }
    const woken = this.woken;
    this.woken = new Set();
    for (const channel of channels) {
      const now = this.deps.clock();
      // An event for a channel being worked is kept for the next look: that work may have read before it.
      if (this.busy.has(channel) && woken.has(channel)) this.woken.add(channel);
      // A channel in quiet hours is read again when an event for it arrives, its hours begin, or a minute on.
      if (this.busy.has(channel) || ((this.quietUntil.get(channel) ?? 0) > now && !woken.has(channel))) continue;
      // After failed work, or with an outcome to write, it waits even when an event arrives.
      if (this.failed.waits(channel, now) || (this.outcomes.heldUntil(channel) ?? 0) > now) continue;
      const work = this.leased(channel)
        .then(() => this.failed.succeed(channel))
        .catch((e) => this.failed.fail(channel, e as Error))
        .finally(() => {
          this.busy.delete(channel);
          this.wake();
        });
      this.busy.set(channel, work);
    }
    this.schedule(this.deps.clock() + (this.deps.pollMs ?? 1000));
  }

  /** Works a channel under its lease (channelLease.ts), after writing an outcome held for it. */
  private async leased(channel: string): Promise<void> {
    const held = await this.outcomes.flush(channel);
    if (!held.clear) return this.schedule(held.until);
    if (held.next !== null) this.schedule(held.next);
    const { store, owner, clock } = this.deps;
    const lease = new ChannelLease(store, channel, owner, this.lease, clock, this.limiters);
    if (!(await lease.take())) return;
    try {
      await this.work(channel, lease.renew);
    } finally {
      await lease.release();
    }
  }

  /** Works one channel until it has nothing due, must wait (rate limit, backoff), or stops. */
  private async work(channel: string, renew: () => Promise<boolean>): Promise<void> {
    const { store, clock, log } = this.deps;
    const limit = this.deps.batchLimit ?? 500;
    let lastRead: number | null = null;
    while (this.running) {
      if (lastRead !== null) await sleep(lastRead + GATHER_MS - clock());
      if (!this.running) return;
      // Read when the channel may send: what arrives meanwhile joins this read's messages, and
      // after a wait the channel's settings are read again (a change made during it applies).
      let sender = await this.deps.senderFor(channel);
      if (sender.ok) {
        const limiter = this.limiters.of(channel, sender.limits);
        const waits = limiter.nextAllowedAt(clock()) > clock();
        if (!(await this.waitForTurn(limiter))) return;
        if (waits) sender = await this.deps.senderFor(channel);
      }
      const readAt = clock();
      const page = await store.duePending(channel, readAt, limit);
      const items = page.filter((i) => !this.outcomes.isSetAside(i.delivery.id));
      if (items.length === 0) {
        // Roots are edited once the channel's messages are out, so an edit never delays one.
        if (sender.ok && sender.thread) await editRoots(this.editing(channel, sender, renew), channel, sender);
        return;
      }
      lastRead = page.length < limit ? readAt : null;
      if (!sender.ok) {
        const ids = items.map((i) => i.delivery.id);
        await store.markDead(ids, clock(), sender.reason);
        this.deps.onSettled?.(channel, 'dead', items);
        log.warn({ channel, deliveries: ids.length, reason: sender.reason }, 'deliveries dead: channel cannot be used');
        continue;
      }
      const read = await readMessages(this.reading, channel, sender, items, readAt, limit);
      if (read.holdUntil !== null) this.quietUntil.set(channel, Math.min(read.holdUntil, readAt + 60_000));
      if (read.holdUntil !== null) this.schedule(read.holdUntil);
      if (read.messages.length === 0) return;
      if (!(await this.sendAll(channel, sender, read.items, read.messages, renew))) return;
      // Between reads, the edits the rate limit allows now: a busy channel's roots keep up.
      if (sender.thread) await editRoots(this.editing(channel, sender, renew, false), channel, sender);
    }
  }

  /** Sends the messages for a read's items in order; false when the channel must wait (a retry, its turn, its lease). */
  private async sendAll(
    channel: string,
    sender: Ready,
    items: DueItem[],
    messages: Outgoing[],
    renew: () => Promise<boolean>,
  ): Promise<boolean> {
    const { store, clock, log } = this.deps;
    const limiter = this.limiters.of(channel, sender.limits);
    const placing = new ReadPlacement();
    for (const planned of messages) {
      if (!(await this.waitForTurn(limiter)) || !(await renew())) return false;
      const out = placing.place(planned);
      const outcome = await sender.adapter
        .send(out.message, out.thread?.placement)
        .catch((e: Error): SendOutcome => ({ status: 'retry', reason: `send failed: ${e.message}` }));
      // Counted when the platform answered: the next window starts when this send surely arrived.
      limiter.record(clock());
      if (out.courtesy) {
        if (outcome.status !== 'sent') log.warn({ channel, reason: outcome.reason }, 'broadcast pointer not sent');
        continue;
      }
      const ids = placing.settled(out, outcome);
      this.deps.onAttempt?.(channel, outcome, ids.length);
      const settled = await threadOutcome(store, log, channel, out, outcome);
      const now = clock();
      if (settled.outcome.status === 'retry' && settled.outcome.retryAfterMs !== undefined)
        limiter.blockUntil(now + settled.outcome.retryAfterMs);
      const r = await this.outcomes.record(channel, ids, items, settled.outcome, now, settled.thread);
      if (r.wakeAt !== null) this.schedule(r.wakeAt);
      if (settled.outcome.status === 'retry' || r.held) return false;
    }
    return true;
  }

  /**
   * Waits until the channel's rate limit allows a send. Short waits are slept here; a long
   * one (a Retry-After) is handed to the scheduler and false is returned.
   */
  private async waitForTurn(limiter: RateLimiter): Promise<boolean> {
    for (;;) {
      if (!this.running) return false;
      const now = this.deps.clock();
      const at = limiter.nextAllowedAt(now);
      if (at <= now) return true;
      this.schedule(at);
      if (at - now > INLINE_WAIT_MS) return false;
      await sleep(at - now);
    }
  }

  /** Editing a channel's roots (threadWork.ts) under its edit limit (waited for, or only a free slot now) and lease. */
  private editing(channel: string, sender: Ready, renew: () => Promise<boolean>, wait = true): EditDeps {
    const own = sender.thread?.editLimits;
    const limiter = this.limiters.of(own ? `${channel}\u0000edits` : channel, own ?? sender.limits);
    const now = this.deps.clock;
    const ready = () => (wait ? this.waitForTurn(limiter) : Promise.resolve(limiter.nextAllowedAt(now()) <= now()));
    return editDeps(this.deps, channel, limiter, async () => (await ready()) && (await renew()));
  }
}

/** Resolves after `ms` (at once when it is not positive), without keeping the process alive. */
const sleep = (ms: number) => new Promise<void>((resolve) => void setTimeout(resolve, Math.max(0, ms)).unref());
