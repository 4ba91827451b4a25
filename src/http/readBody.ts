import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from 'node:zlib';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from './HttpError.ts';

/** Content codings a webhook body may arrive in (RFC 9110 §8.4.1), each with its decoder. */
const DECODERS: Record<string, (b: Buffer, o: ZlibOptions) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  // "deflate" is meant to be zlib-wrapped; some clients send it raw.
  deflate: (b, o) => {
    try {
      return inflateSync(b, o);
    } catch (e) {
      if (isTooLarge(e)) throw e;
      return inflateRawSync(b, o);
    }
  },
  br: (b, o) => brotliDecompressSync(b, o),
};

const isTooLarge = (e: unknown) => (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';

/**
 * The request body as text, at most `limit` bytes both as sent and once decoded: the same
 * answer however it was framed (Content-Length, chunked, or neither). A body over the limit
 * (a decompression bomb included) is a 413; an unknown coding a 415 naming it.
 */
export async function readBody(ctx: Context, limit: number): Promise<string> {
  const coding = (ctx.get('content-encoding') || 'identity').trim().toLowerCase();
  const decode = coding === 'identity' ? null : DECODERS[coding];
  if (decode === undefined) {
    throw new HttpError(
      415,
      'unsupported_encoding',
      `content encoding "${coding.slice(0, 40)}" is not accepted; send the body plain, gzip, deflate or br`,
    );
  }
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit, length: ctx.get('content-length') || undefined });
  } catch (e) {
    const type = (e as { type?: string }).type;
    if (type === 'entity.too.large') throw tooLarge(limit);
    throw new HttpError(400, 'bad_request', `body could not be read (${type ?? 'aborted'})`);
  }
  if (!decode) return raw.toString('utf8');
  try {
    return decode(raw, { maxOutputLength: limit }).toString('utf8');
  } catch (e) {
    if (isTooLarge(e)) throw tooLarge(limit);
    throw new HttpError(400, 'bad_encoding', `body is not valid ${coding} data`);
  }
}

const tooLarge = (limit: number) =>
  new HttpError(413, 'payload_too_large', `body is over the ${limit}-byte limit (VCC_MAX_BODY_BYTES)`);
