import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { verifySlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import { ackDeadline } from './ackDeadline.ts';

const MAX_BODY = 256 * 1024;

/**
 * A Bolt receiver living inside Koa at `POST /slack/events`. It reads the raw body itself
 * (no body parser on this route), checks Slack's signature and timestamp with Bolt's own
 * `verifySlackRequest` (401 and nothing done when forged or stale), hands the payload to
 * Bolt, and answers with whatever the listener passed to `ack()` within Slack's window
 * (ackDeadline.ts: a late command hears WORKING, and its answer follows).
 */
/** How far a Slack request's timestamp may be from our clock, either way (Slack's own check uses 5 minutes). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export class KoaReceiver implements Receiver {
  private app: App | null = null;

  constructor(
    private readonly signingSecret: string,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  handler() {
    return async (ctx: Context): Promise<void> => {
      let raw: string;
      try {
        raw = await getRawBody(ctx.req, { limit: MAX_BODY, encoding: 'utf8' });
      } catch {
        ctx.status = 413;
        return;
      }
      try {
        // Bolt refuses timestamps over 5 minutes old; the replay window must hold the other
        // way too, or a signature captured with a forged future timestamp stays valid.
        const sentAt = Number(ctx.get('x-slack-request-timestamp'));
        if (!(sentAt * 1000 <= this.clock() + MAX_CLOCK_SKEW_MS))
          throw new Error(`timestamp ${ctx.get('x-slack-request-timestamp')} is more than 5 minutes in the future`);
        verifySlackRequest({
          signingSecret: this.signingSecret,
          body: raw,
          headers: {
            'x-slack-signature': ctx.get('x-slack-signature'),
            'x-slack-request-timestamp': sentAt,
          },
          nowMilliseconds: this.clock(),
        });
      } catch (e) {
        this.log.warn({ reason: (e as Error).message }, 'Slack request refused: bad signature or stale timestamp');
        ctx.status = 401;
        ctx.body = { error: { code: 'bad_signature', message: 'Slack signature check failed' } };
        return;
      }
      const body = parseBody(raw, ctx.get('content-type'));
      if (body.type === 'url_verification') {
        ctx.body = { challenge: body.challenge };
        return;
      }
      ctx.status = 200;
      ctx.body = await this.answerOf(body, ctx);
    };
  }

  /** Hands a verified request to Bolt; what to answer Slack's HTTP request with (ackDeadline.ts). */
  private answerOf(body: Record<string, any>, ctx: Context): Promise<unknown> {
    const d = ackDeadline(body, this.log);
    const event: ReceiverEvent = {
      body,
      ack: d.ack,
      retryNum: Number(ctx.get('x-slack-retry-num')) || undefined,
      retryReason: ctx.get('x-slack-retry-reason') || undefined,
    };
    void this.app!.processEvent(event).catch((e) => {
      this.log.error({ err: { message: (e as Error).message } }, 'Slack listener failed');
      d.failed();
    });
    return d.answer;
  }
}

function parseBody(raw: string, contentType: string): Record<string, any> {
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, any>;
  const fields = Object.fromEntries(new URLSearchParams(raw));
  return typeof fields.payload === 'string' ? (JSON.parse(fields.payload) as Record<string, any>) : fields;
}
