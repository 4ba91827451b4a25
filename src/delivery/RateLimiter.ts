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
