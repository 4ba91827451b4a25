import type { Context } from 'koa';
import getRawBody from 'raw-body';

/** Largest Bot Framework activity accepted (cards and attachments included). */
const MAX_ACTIVITY_BYTES = 1024 * 1024;

/** The request both SDKs' adapters take: a parsed body, the headers, the method. */
export interface BridgedRequest {
  body: Record<string, unknown>;
  headers: Record<string, string>;
  method: string;
}

/** The Express-style response both SDKs write to (botbuilder: `header`; the Agents SDK: `setHeader`, `headersSent`). */
export interface BridgedResponse {
  socket: unknown;
  headersSent: boolean;
  writableEnded: boolean;
  status(code: number): this;
  header(name: string, value: unknown): this;
  setHeader(name: string, value: unknown): this;
  send(body?: unknown): this;
  end(body?: unknown): this;
}

/**
 * `POST /api/messages`: reads a Bot Framework activity (JSON, at most 1 MiB) and hands it to
 * `process` (the SDK's adapter, which checks auth and runs the bot) with an Express-style
 * response, then answers Koa with what it wrote: this bridges Koa explicitly for either SDK.
 */
export function activityHandler(process: (req: BridgedRequest, res: BridgedResponse) => Promise<void>) {
  return async (ctx: Context): Promise<void> => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await getRawBody(ctx.req, { limit: MAX_ACTIVITY_BYTES, encoding: 'utf8' })) as Record<
        string,
        unknown
      >;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch {
      ctx.status = 400;
      ctx.body = { error: { code: 'invalid_activity', message: 'body must be a JSON Bot Framework activity' } };
      return;
    }
    let status = 200;
    let sent: unknown;
    const headers: Record<string, string> = {};
    const res: BridgedResponse = {
      socket: ctx.req.socket,
      headersSent: false,
      writableEnded: false,
      status(code) {
        status = code;
        return res;
      },
      header(name, value) {
        headers[name] = String(value);
        return res;
      },
      setHeader(name, value) {
        return res.header(name, value);
      },
      send(b) {
        if (b !== undefined) sent = b;
        return res;
      },
      end(b) {
        if (b !== undefined && sent === undefined) sent = b;
        res.writableEnded = true;
        return res;
      },
    };
    await process({ body, headers: ctx.req.headers as Record<string, string>, method: ctx.method }, res);
    ctx.status = status;
    ctx.set(headers);
    ctx.body = sent === undefined || sent === null ? '' : sent;
  };
}
