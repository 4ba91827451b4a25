import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';

export const SESSION_COOKIE = 'vcc_notify_admin';
/** How long a login lasts. */
export const SESSION_MS = 12 * 3600_000;

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Admin authentication: `Authorization: Bearer ADMIN_TOKEN`, or a session cookie set by the
 * login form (HMAC-signed with a key derived from the token and a per-process secret, so a
 * restart or a token change logs everyone out). CSRF tokens are derived from the session.
 */
export function adminAuth(token: string, clock: () => number) {
  const key = createHmac('sha256', randomBytes(32)).update(token).digest();
  const sign = (s: string) => createHmac('sha256', key).update(s).digest('base64url');
  const session = () => {
    const body = `${clock() + SESSION_MS}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${sign(body)}`;
  };
  const validSession = (cookie: string | undefined): string | null => {
    if (!cookie) return null;
    const i = cookie.lastIndexOf('.');
    const body = cookie.slice(0, i);
    if (i < 0 || !same(sign(body), cookie.slice(i + 1))) return null;
    return Number(body.split('.')[0]) > clock() ? cookie : null;
  };
  const bearer = (ctx: Context) => {
    const h = ctx.get('authorization');
    return h.startsWith('Bearer ') && same(h.slice(7), token);
  };
  return {
    checkToken: (given: string) => same(given, token),
    newSession: session,
    /** The CSRF token for this request's session (or for bearer callers). */
    csrf: (ctx: Context) => sign(`csrf:${ctx.cookies.get(SESSION_COOKIE) ?? 'bearer'}`),
    /** Lets authenticated requests through; others get `unauthorized(ctx)`. */
    require(unauthorized: (ctx: Context) => void) {
      return async (ctx: Context, next: Next) => {
        if (bearer(ctx) || validSession(ctx.cookies.get(SESSION_COOKIE))) return next();
        unauthorized(ctx);
      };
    },
  };
}
