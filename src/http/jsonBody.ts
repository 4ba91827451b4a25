import type { Context } from 'koa';

/**
 * Answers with `value` as JSON: the bytes and Content-Type Koa writes for an object body,
 * without Koa's tests of an object body against the web Response, Blob and ReadableStream
 * classes. Reading `Response` loads Node's fetch implementation (undici, with http2 and tls),
 * which an object body made every process pay on its first answer.
 */
export function jsonBody(ctx: Context, value: unknown): void {
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(value);
}
