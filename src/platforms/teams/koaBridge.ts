import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { CloudAdapter, TurnContext } from 'botbuilder';

/** Largest Bot Framework activity accepted (cards and attachments included). */
const MAX_ACTIVITY_BYTES = 1024 * 1024;

/**
 * `POST /api/messages`: hands a Bot Framework activity to botbuilder's CloudAdapter, which
 * wants Express-style req/res (a parsed `body`, and `status()`, `header()`, `send()`,
 * `end()`): this bridges Koa explicitly. The adapter checks Bot Framework auth itself.
 */
export function botFrameworkHandler(adapter: CloudAdapter, logic: (ctx: TurnContext) => Promise<void>) {
  return async (ctx: Context): Promise<void> => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await getRawBody(ctx.req, { limit: MAX_ACTIVITY_BYTES, encoding: 'utf8' })) as Record<
        string,
        unknown
      >;
    } catch {
      ctx.status = 400;
      ctx.body = { error: { code: 'invalid_activity', message: 'body must be a JSON Bot Framework activity' } };
      return;
    }
    let status = 200;
    let sent: unknown;
    const headers: Record<string, string> = {};
    const res = {
      socket: ctx.req.socket,
      status(code: number) {
        status = code;
        return res;
      },
      header(name: string, value: unknown) {
        headers[name] = String(value);
        return res;
      },
      send(b?: unknown) {
        if (b !== undefined) sent = b;
        return res;
      },
      end(b?: unknown) {
        if (b !== undefined && sent === undefined) sent = b;
        return res;
      },
    };
    await adapter.process({ body, headers: ctx.req.headers as Record<string, string>, method: ctx.method }, res, logic);
    ctx.status = status;
    ctx.set(headers);
    ctx.body = sent === undefined || sent === null ? '' : sent;
  };
}
