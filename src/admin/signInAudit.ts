import type { Logger } from 'pino';
import type { Actions } from '../actions/Actions.ts';
import type { Actor } from '../actions/Actor.ts';

/** Failed sign-ins recorded per minute, across all addresses: past it they are counted and logged, not recorded one by one. */
export const FAILED_SIGNINS_RECORDED_PER_MINUTE = 60;

/**
 * Records failed sign-ins of the admin page in the audit log (sign-ins and sign-outs are
 * recorded by their actions). Failed ones from many addresses could otherwise fill it: at most FAILED_SIGNINS_RECORDED_PER_MINUTE
 * a minute are recorded; the rest are counted and logged once when the minute is over. Never
 * records what was typed.
 */
export class SignInAudit {
  private windowStart = 0;
  private inWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly actions: Actions,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** A refused sign-in (a wrong token, someone not listed, a bad state ...), with the reason for people. */
  async failed(a: Actor, reason: string): Promise<void> {
    const now = this.clock();
    if (now - this.windowStart >= 60_000) {
      if (this.suppressed > 0)
        this.log.warn(
          { failedSignIns: this.suppressed },
          'failed admin sign-ins past the audit budget: counted, not recorded',
        );
      this.windowStart = now;
      this.inWindow = 0;
      this.suppressed = 0;
    }
    if (this.inWindow >= FAILED_SIGNINS_RECORDED_PER_MINUTE) {
      this.suppressed += 1;
      return;
    }
    this.inWindow += 1;
    await this.actions.signInRefused(a, reason);
  }
}
