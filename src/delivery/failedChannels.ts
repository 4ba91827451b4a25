import type { RepeatedLog } from './repeatedLog.ts';

/** The first wait after a channel's work failed; it doubles with each failure in a row, up to the most. */
const FIRST_WAIT_MS = 500;
const MOST_WAIT_MS = 30_000;

/**
 * Channels whose work failed (the store down, mostly): each is not worked again until its
 * wait is over, 0.5 s doubling to 30 s while the failures go on, so a store that is down is
 * not asked at every wake; the failure is logged through `log` (a repeat folded) and the
 * worker woken (`wakeAt`) when the wait ends. A success forgets the channel's failures.
 */
export class FailedChannels {
  private readonly failed = new Map<string, { times: number; until: number }>();

  constructor(
    private readonly clock: () => number,
    private readonly log: RepeatedLog,
    private readonly wakeAt: (at: number) => void,
  ) {}

  /** Whether the channel still waits after a failure at `now`. */
  waits(channel: string, now: number): boolean {
    return (this.failed.get(channel)?.until ?? 0) > now;
  }

  /** Records and logs a failure of the channel's work. */
  fail(channel: string, e: Error): void {
    const times = (this.failed.get(channel)?.times ?? 0) + 1;
    const until = this.clock() + Math.min(MOST_WAIT_MS, FIRST_WAIT_MS * 2 ** (times - 1));
    this.failed.set(channel, { times, until });
    this.wakeAt(until);
    this.log.error(channel, { channel, err: { message: e.message } }, 'delivery work failed');
  }

  succeed(channel: string): void {
    this.failed.delete(channel);
  }
}
