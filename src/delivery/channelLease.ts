import type { LeaseStore } from '../store/Store.ts';
import type { ChannelLimiters } from './RateLimiter.ts';

/**
 * The longest a send and its recording can take: adapters time out after 15 s
 * (platforms/slack/webApi.ts, platforms/httpOutcome.ts), plus margin. A lease with less than
 * this left is renewed before the next send.
 */
const SEND_BUDGET_MS = 20_000;

/**
 * This instance's lease on one channel, so one instance at a time sends to it (order and rate
 * hold across instances); the channel's last send time travels with the lease.
 */
export class ChannelLease {
  private leasedAt = 0;

  constructor(
    private readonly store: LeaseStore,
    private readonly channel: string,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly clock: () => number,
    private readonly limiters: ChannelLimiters,
  ) {}

  /** Takes the lease, learning the channel's last send time (another instance may have sent); false when another holds it. */
  async take(): Promise<boolean> {
    return this.claim(false);
  }

  /**
   * Before a send: renews a lease that might run out before the send is recorded, so another
   * instance cannot take the channel and send the same deliveries again. False: it was lost.
   */
  readonly renew = async (): Promise<boolean> =>
    this.clock() - this.leasedAt + SEND_BUDGET_MS < this.leaseMs || this.claim(true);

  /** Gives the lease up, recording the channel's last send time. */
  async release(): Promise<void> {
    const last = this.limiters.lastSentAt(this.channel);
    await this.store.releaseChannel(this.channel, this.owner, last).catch(() => {});
  }

  /** A renewal does not learn the last send time: this instance has been the one sending since it took it. */
  private async claim(renewal: boolean): Promise<boolean> {
    const at = this.clock();
    const claim = await this.store.claimChannel(this.channel, this.owner, at, this.leaseMs);
    if (!claim) return false;
    if (!renewal) this.limiters.seed(this.channel, claim.lastSendAt);
    this.leasedAt = at;
    return true;
  }
}
