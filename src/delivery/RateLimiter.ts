/** A limit of `count` sends in any window of `windowMs`. */
export interface RateWindow {
  count: number;
  windowMs: number;
}

/**
 * Sliding-window limiter for one channel: `nextAllowedAt(now)` is the earliest time a send
 * keeps every window within its count; `record(now)` notes a send; `blockUntil(t)` holds all
 * sends (a platform's Retry-After). Pure apart from its own memory.
 */
export class RateLimiter {
  private sent: number[] = [];
  private blockedUntil = 0;
  private readonly longest: number;

  constructor(private readonly windows: readonly RateWindow[]) {
    this.longest = Math.max(0, ...windows.map((w) => w.windowMs));
  }

  nextAllowedAt(now: number): number {
    this.sent = this.sent.filter((t) => t > now - this.longest);
    let at = Math.max(now, this.blockedUntil);
    for (const w of this.windows) {
      const inWindow = this.sent.filter((t) => t > at - w.windowMs);
      if (inWindow.length >= w.count) at = Math.max(at, inWindow[inWindow.length - w.count]! + w.windowMs);
    }
    return at;
  }

  record(now: number): void {
    this.sent.push(now);
  }

  /** Notes a send made elsewhere (another instance), unless this limiter already knows a later one. */
  noteSentAt(t: number): void {
    if (t > this.lastSentAt()) this.sent.push(t);
  }

  /** The last send this limiter knows of (0 when none). */
  lastSentAt(): number {
    return this.sent.length ? this.sent[this.sent.length - 1]! : 0;
  }

  blockUntil(t: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, t);
  }
}

/**
 * Each channel's limiter, made on first use with the channel's limits. A channel's last send
 * time learnt from its lease (another instance may have sent) is applied when next used.
 */
export class ChannelLimiters {
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly seeds = new Map<string, number | null>();

  of(channel: string, limits: readonly RateWindow[]): RateLimiter {
    let l = this.limiters.get(channel);
    if (!l) {
      l = new RateLimiter(limits);
      this.limiters.set(channel, l);
    }
    const seed = this.seeds.get(channel);
    if (seed !== undefined) {
      if (seed !== null) l.noteSentAt(seed);
      this.seeds.delete(channel);
    }
    return l;
  }

  /** Notes when the channel last sent, as its lease says, for the next `of`. */
  seed(channel: string, lastSendAt: number | null): void {
    this.seeds.set(channel, lastSendAt);
  }

  /** The channel's last send this process knows of, or null. */
  lastSentAt(channel: string): number | null {
    return this.limiters.get(channel)?.lastSentAt() || null;
  }
}
