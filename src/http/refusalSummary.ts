import type { Logger } from 'pino';

/** Most client addresses remembered between two summaries (a flood from many is still counted). */
const MAX_ADDRESSES = 1_000;
/** Addresses named in a summary line, busiest first. */
const TOP = 5;

/**
 * Webhook requests refused for a missing or wrong secret or a source outside
 * VCC_ALLOWED_SOURCES, counted in memory: a flood of them
 * must cost no durable write and no log line each. `flush` logs one warning for everything
 * since the previous flush (count, addresses, the busiest ones) and starts over; the service
 * calls it every interval.
 */
export class UnauthenticatedSummary {
  private count = 0;
  private readonly byAddress = new Map<string, number>();
  private others = 0;
  private readonly byReason = new Map<string, number>();

  constructor(private readonly log: Logger) {}

  note(address: string, reason = 'unauthorized'): void {
    this.count += 1;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    const n = this.byAddress.get(address);
    if (n !== undefined) this.byAddress.set(address, n + 1);
    else if (this.byAddress.size < MAX_ADDRESSES) this.byAddress.set(address, 1);
    else this.others += 1;
  }

  flush(): void {
    if (this.count === 0) return;
    const top = [...this.byAddress]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([address, requests]) => ({ address, requests }));
    this.log.warn(
      {
        requests: this.count,
        reasons: Object.fromEntries(this.byReason),
        addresses: this.byAddress.size + (this.others > 0 ? 1 : 0),
        top,
      },
      'webhook requests refused without authentication (wrong secret-key, or a source outside VCC_ALLOWED_SOURCES) since the last summary',
    );
    this.count = 0;
    this.byReason.clear();
    this.others = 0;
    this.byAddress.clear();
  }
}
