import { hash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import { HttpError } from './HttpError.ts';
import { parseVccBody } from '../vcc/user.ts';
import { classifyChanges, kindsOf, type EventKind } from '../vcc/changes.ts';
import { DecryptError, type BodyCipher } from '../vcc/decrypt.ts';
import { redactBody } from '../vcc/redact.ts';
import { outOfBounds } from '../vcc/bounds.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { planDeliveries, type Route } from '../routing/route.ts';
import { StoreUnavailableError, type EventStore, type NewEvent } from '../store/Store.ts';

export interface WebhookDeps {
  store: Pick<EventStore, 'ingest' | 'recordRefusal'>;
  secret: string | null;
  cipher: BodyCipher | null;
  maxBodyBytes: number;
  /** The routes in force now (they change on reload). */
  routes: () => readonly Route[];
  clock: () => number;
  log: Logger;
  /** Called after an event is durably stored (wakes the worker, counts metrics). */
  onAccepted?: (eventId: number, channels: readonly string[], kinds: readonly EventKind[]) => void;
  onDuplicate?: () => void;
  onRefused?: (code: string) => void;
  /** A request without the right secret: counted in memory, never recorded one by one. */
  onUnauthenticated?: (address: string) => void;
}

/**
 * Equal-time comparison of a presented secret with the configured one (both hashed, so the
 * lengths match). `crypto.hash` is the one-shot digest: less than half the cost of
 * createHash().update().digest() for inputs this small.
 */
function secretChecker(secret: string): (given: unknown) => boolean {
  const expected = hash('sha256', secret, 'buffer');
  return (given) => typeof given === 'string' && timingSafeEqual(hash('sha256', given, 'buffer'), expected);
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

function dedupKey(ev: Pick<NewEvent, 'vccTimestamp' | 'old' | 'new'>, passwordSet: boolean): string {
  return hash('sha256', JSON.stringify([ev.vccTimestamp, ev.old, ev.new, passwordSet]), 'base64url');
}

/**
 * `POST|PUT /webhooks/vcc/users`: auth, content type, size, decryption, validation, then
 * one store transaction (event + deliveries). Answers 200 only once that is durable; every
 * refusal is answered with its status and code and recorded (redacted, truncated).
 * The password in a body lives only in this function's locals.
 */
export function webhookHandler(deps: WebhookDeps) {
  const secretMatches = deps.secret === null ? null : secretChecker(deps.secret);
  return async (ctx: Context): Promise<void> => {
    const receivedAt = deps.clock();
    let text: string | null = null;
    try {
      // Not ctx.query: Koa 3 builds an object of every parameter for it on each request, which
      // cost this route a tenth of its throughput under load.
      const query = new URLSearchParams(ctx.querystring);
      if (secretMatches && !secretMatches(once(query, 'secret-key'))) {
        throw new HttpError(401, 'unauthorized', 'missing or wrong secret-key query parameter');
      }
      const allowed = deps.cipher ? JSON_OR_TEXT : JSON_TYPES;
      if (ctx.request.headers['content-type'] && !ctx.request.is(allowed)) {
        throw new HttpError(415, 'unsupported_media_type',
          `content type ${ctx.request.type} is not accepted; send application/json${deps.cipher ? ' or text/plain' : ''}`);
      }
      text = await readBody(ctx, deps.maxBodyBytes);
      const plain = deps.cipher ? decrypt(deps.cipher, text, once(query, 'iv')) : text;
      let json: unknown;
      try {
        json = JSON.parse(plain);
      } catch {
        throw new HttpError(400, deps.cipher ? 'decrypt_failed' : 'invalid_json', deps.cipher
          ? 'body did not decrypt to JSON (check VCC_ENCRYPTION_CIPHER, the key, and the iv parameter)'
          : 'body is not valid JSON');
      }
      if (deps.cipher) text = plain;
      const tooBig = outOfBounds(json);
      if (tooBig) throw new HttpError(400, 'invalid_payload', tooBig.message, tooBig.path);
      const parsed = parseVccBody(json);
      if (!parsed.ok) throw new HttpError(400, 'invalid_payload', parsed.message, parsed.path);

      const { event: vcc } = parsed;
      const changes = classifyChanges(vcc);
      const base = { vccTimestamp: vcc.timestamp, old: vcc.old, new: vcc.new };
      const ev: NewEvent = {
        ...base,
        dedupKey: dedupKey(base, vcc.passwordSet),
        receivedAt,
        userId: vcc.new.userId ?? vcc.old?.userId ?? null,
        changes,
      };
      const planned = planDeliveries(vcc.new, changes, deps.routes());
      const result = await deps.store.ingest(ev, planned);
      if (result.status === 'duplicate') {
        deps.log.info({ event: result.eventId }, 'duplicate VCC event, already stored');
        deps.onDuplicate?.();
        ctx.body = { status: 'duplicate', event: result.eventId };
        return;
      }
      const kinds = kindsOf(changes);
      deps.log.info({ event: result.eventId, user: ev.userId, kinds, deliveries: result.deliveries }, 'event accepted');
      ctx.body = { status: 'accepted', event: result.eventId, deliveries: result.deliveries };
      deps.onAccepted?.(result.eventId, planned.map((p) => p.channel), kinds);
    } catch (e) {
      const err = e instanceof HttpError ? e
        : e instanceof StoreUnavailableError ? new HttpError(503, 'store_unavailable', 'the event store is unavailable; retry later')
          : null;
      if (!err) throw e;
      ctx.status = err.status;
      ctx.body = err.toJSON();
      deps.onRefused?.(err.code);
      if (err.status === 503) deps.log.error({ err: { code: (e as StoreUnavailableError).code, message: (e as Error).message } }, 'store unavailable, answered 503');
      if (err.status === 401) deps.onUnauthenticated?.(ctx.ip);
      else await record(deps, ctx, err, receivedAt, text);
    }
  };
}

async function readBody(ctx: Context, limit: number): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit, length: ctx.get('content-length') || undefined, encoding: 'utf8' });
  } catch (e) {
    const type = (e as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new HttpError(413, 'payload_too_large', `body is over the ${limit}-byte limit (VCC_MAX_BODY_BYTES)`);
    }
    throw new HttpError(400, 'bad_request', `body could not be read (${type ?? 'aborted'})`);
  }
}

function decrypt(cipher: BodyCipher, text: string, iv: unknown): string {
  try {
    return cipher.decrypt(text, typeof iv === 'string' ? iv : '');
  } catch (e) {
    if (e instanceof DecryptError) throw new HttpError(400, e.code, e.message);
    throw e;
  }
}

async function record(deps: WebhookDeps, ctx: Context, err: HttpError, receivedAt: number, text: string | null) {
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
    deps.log.error({ code: err.code, storeError: (e as Error).message }, 'could not record the refusal');
  }
}
