import { hash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { is as typeIs } from 'type-is';
import type { Logger } from 'pino';
import { HttpError } from './HttpError.ts';
import { jsonBody } from './jsonBody.ts';
import { readBody } from './readBody.ts';
import { acceptVccBody, type VccEvent } from '../vcc/acceptVccBody.ts';
import type { EventKind } from '../vcc/changes.ts';
import { DecryptError, type BodyCipher } from '../vcc/decrypt.ts';
import { redactBody } from '../vcc/redact.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { planDeliveries, type Route } from '../routing/route.ts';
import { StoreUnavailableError, type EventStore } from '../store/Store.ts';
import type { SourceList } from '../config/sourceList.ts';
import { RepeatedLog } from '../delivery/repeatedLog.ts';

/** Which configured secret a request carried: the one in force or, during a rotation, the previous. */
export type SecretUsed = 'current' | 'previous';

export interface WebhookDeps {
  store: Pick<EventStore, 'ingest' | 'recordRefusal'>;
  secret: string | null;
  /** VCC_WEBHOOK_SECRET_PREVIOUS: also accepted while VCC is switched to the new secret. */
  previousSecret?: string | null;
  /** Body decryption per secret used (the key defaults to the secret that matched). */
  cipher: BodyCipher | null;
  previousCipher?: BodyCipher | null;
  /** VCC_ALLOWED_SOURCES: the only client addresses the webhook answers (403 for others). */
  sources?: SourceList | null;
  maxBodyBytes: number;
  /** The routes in force now (they change on reload). */
  routes: () => readonly Route[];
  clock: () => number;
  log: Logger;
  /** Called after an event is durably stored (wakes the worker, counts metrics). */
  onAccepted?: (eventId: number, channels: readonly string[], kinds: readonly EventKind[]) => void;
  onDuplicate?: () => void;
  onRefused?: (code: string) => void;
  /** A request with the right secret: which one (metrics). */
  onAuthenticated?: (secret: SecretUsed) => void;
  /** A request without the right secret or from a source not allowed: counted in memory, never recorded one by one. */
  onUnauthenticated?: (address: string, code: string) => void;
}

/**
 * Equal-time comparison of a presented secret with the configured one (both hashed, so the
 * lengths match). `crypto.hash` is the one-shot digest: less than half the cost of
 * createHash().update().digest() for inputs this small.
 */
function secretChecker(secret: string, previous: string | null): (given: unknown) => SecretUsed | null {
  const expected = hash('sha256', secret, 'buffer');
  const before = previous ? hash('sha256', previous, 'buffer') : null;
  return (given) => {
    if (typeof given !== 'string') return null;
    const h = hash('sha256', given, 'buffer');
    if (timingSafeEqual(h, expected)) return 'current';
    return before && timingSafeEqual(h, before) ? 'previous' : null;
  };
}

/**
 * The content types accepted, spelled as full media types: type-is then matches them as they
 * are, where a short name ('json') is looked up in the MIME database on every request.
 */
const JSON_TYPES = ['application/json', '*/*+json'];
const JSON_OR_TEXT = [...JSON_TYPES, 'text/plain'];

/** A query parameter given exactly once; a repeated one counts as missing. */
function once(query: URLSearchParams, name: string): string | undefined {
  const all = query.getAll(name);
  return all.length === 1 ? all[0] : undefined;
}

/**
 * `POST|PUT /webhooks/vcc/users`: auth, content type, size, decryption, validation, then
 * one store transaction (event + deliveries). Answers 200 only once that is durable; every
 * refusal is answered with its status and code and recorded (redacted, truncated).
 * The password in a body lives only in this function's locals.
 */
export function webhookHandler(deps: WebhookDeps) {
  const secretMatches = deps.secret === null ? null : secretChecker(deps.secret, deps.previousSecret ?? null);
  const logs = { ...deps, repeated: new RepeatedLog(deps.log, deps.clock) };
  return async (ctx: Context): Promise<void> => {
    const receivedAt = deps.clock();
    // The body as read (decrypted when it could be), for the refusal record.
    const seen: { text: string | null } = { text: null };
    try {
      if (deps.sources && !deps.sources.allows(ctx.ip)) {
        throw new HttpError(403, 'forbidden_source', 'this address may not send webhooks (VCC_ALLOWED_SOURCES)');
      }
      // Not ctx.query: Koa 3 builds an object of every parameter for it on each request, which
      // cost this route a tenth of its throughput under load.
      const query = new URLSearchParams(ctx.querystring);
      const used = secretMatches ? secretMatches(once(query, 'secret-key')) : 'current';
      if (!used) throw new HttpError(401, 'unauthorized', 'missing or wrong secret-key query parameter');
      const cipher = used === 'previous' && deps.previousCipher ? deps.previousCipher : deps.cipher;
      const json = await readJson(ctx, deps.maxBodyBytes, cipher, once(query, 'iv'), seen);
      if (secretMatches) deps.onAuthenticated?.(used);
      const accepted = acceptVccBody(json, receivedAt);
      if (!accepted.ok) throw new HttpError(400, 'invalid_payload', accepted.message, accepted.path);
      await ingest(deps, ctx, accepted.event, used);
    } catch (e) {
      await refuse(logs, ctx, e, receivedAt, seen.text);
    }
  };
}

/**
 * The body as JSON: its content type (from the header alone, not ctx.request.is(), which
 * answers null without Content-Length or Transfer-Encoding: the same body gets the same
 * answer however framed), its size and coding, decryption. `seen.text` holds what was read.
 */
async function readJson(
  ctx: Context,
  maxBytes: number,
  cipher: BodyCipher | null,
  iv: string | undefined,
  seen: { text: string | null },
): Promise<unknown> {
  const type = ctx.get('content-type');
  if (type && !typeIs(type, cipher ? JSON_OR_TEXT : JSON_TYPES)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `content type ${ctx.request.type} is not accepted; send application/json${cipher ? ' or text/plain' : ''}`,
    );
  }
  seen.text = await readBody(ctx, maxBytes);
  const plain = cipher ? decrypt(cipher, seen.text, iv) : seen.text;
  let json: unknown;
  try {
    json = JSON.parse(plain);
  } catch {
    throw new HttpError(
      400,
      cipher ? 'decrypt_failed' : 'invalid_json',
      cipher
        ? 'body did not decrypt to JSON (check VCC_ENCRYPTION_CIPHER, the key, and the iv parameter)'
        : 'body is not valid JSON',
    );
  }
  seen.text = plain;
  return json;
}

/** One store transaction (event + deliveries); the answer once it is durable. */
async function ingest(deps: WebhookDeps, ctx: Context, ev: VccEvent, used: SecretUsed): Promise<void> {
  const planned = planDeliveries(ev.new, ev.changes, deps.routes());
  const result = await deps.store.ingest(ev, planned);
  if (result.status === 'duplicate') {
    deps.log.info({ event: result.eventId }, 'duplicate VCC event, already stored');
    deps.onDuplicate?.();
    jsonBody(ctx, { status: 'duplicate', event: result.eventId });
    return;
  }
  deps.log.info(
    {
      event: result.eventId,
      user: ev.userId,
      kinds: ev.kinds,
      deliveries: result.deliveries,
      ...(used === 'previous' ? { matched: 'previous secret' } : {}),
    },
    'event accepted',
  );
  jsonBody(ctx, { status: 'accepted', event: result.eventId, deliveries: result.deliveries });
  deps.onAccepted?.(
    result.eventId,
    planned.map((p) => p.channel),
    ev.kinds,
  );
}

/** Answers a refusal with its status and code; records it unless unauthenticated. Rethrows anything else. */
async function refuse(
  deps: WebhookDeps & { repeated: RepeatedLog },
  ctx: Context,
  e: unknown,
  receivedAt: number,
  text: string | null,
): Promise<void> {
  const err =
    e instanceof HttpError
      ? e
      : e instanceof StoreUnavailableError
        ? new HttpError(503, 'store_unavailable', 'the event store is unavailable; retry later')
        : null;
  if (!err) throw e;
  ctx.status = err.status;
  jsonBody(ctx, err.toJSON());
  deps.onRefused?.(err.code);
  // A 503 is the store failing, not VCC's mistake: one folded log line while it lasts (and the
  // metric), no refusal record in the store that is failing, no line per request.
  if (err.status === 503)
    deps.repeated.error(
      '',
      { err: { code: (e as StoreUnavailableError).code, message: (e as Error).message } },
      'store unavailable, answered 503',
    );
  else if (err.status === 401 || err.status === 403) deps.onUnauthenticated?.(ctx.ip, err.code);
  else await record(deps, ctx, err, receivedAt, text);
}

function decrypt(cipher: BodyCipher, text: string, iv: unknown): string {
  try {
    return cipher.decrypt(text, typeof iv === 'string' ? iv : '');
  } catch (e) {
    if (e instanceof DecryptError) throw new HttpError(400, e.code, e.message);
    throw e;
  }
}

async function record(
  deps: WebhookDeps & { repeated: RepeatedLog },
  ctx: Context,
  err: HttpError,
  receivedAt: number,
  text: string | null,
) {
  const undecryptable = deps.cipher !== null && err.code === 'decrypt_failed' && !text?.trimStart().startsWith('{');
  const body = text === null || undecryptable ? null : redactBody(text);
  // A path can name keys of the body (bounds errors): one visible line, like everything from VCC.
  const path = err.path === null ? null : sanitizeLine(err.path);
  const message = sanitizeLine(err.message);
  deps.log.warn({ status: err.status, code: err.code, path, reason: message }, 'VCC request refused');
  try {
    await deps.store.recordRefusal({
      receivedAt,
      method: ctx.method,
      status: err.status,
      code: err.code,
      message,
      path,
      body,
      contentType: ctx.get('content-type') || null,
      remoteAddr: ctx.ip || null,
    });
  } catch (e) {
    deps.repeated.error('', { code: err.code, storeError: (e as Error).message }, 'could not record the refusal');
  }
}
