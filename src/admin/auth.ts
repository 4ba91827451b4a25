import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { AdminRole, AdminSession, SessionStore } from '../store/Store.ts';
import type { Actions } from '../actions/Actions.ts';
import { adminActor, type Actor } from '../actions/Actor.ts';
import { secretHash } from '../actions/sessionActions.ts';

export const SESSION_COOKIE = 'vcc_notify_admin';
/** A session unused this long is over (ADMIN_SESSION_IDLE_HOURS; the default). */
export const DEFAULT_IDLE_HOURS = 12;
/** Wrong tokens (login form or bearer) one client address may present per minute before 429. */
export const LOGIN_FAILURES_PER_MINUTE = 5;
const WINDOW_MS = 60_000;
/** A session's "last seen" is written at most this often (a page view reads it; it writes only then). */
const SEEN_EVERY_MS = 60_000;
/** Bounds on what hostile clients can make this module remember or look up. */
const MAX_ADDRESSES = 10_000;
const MAX_COOKIE = 100;

/** How the audit log names whoever holds ADMIN_TOKEN. */
export const TOKEN_HOLDER = { id: 'token', name: 'token' };

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Who makes an admin request, and what they may do: a session (the page), or the bearer token (the API). */
export interface AdminUser {
  actor: Actor;
  role: AdminRole;
  /** The session's id from the cookie, or null for a bearer-token request. */
  sessionId: string | null;
  session: AdminSession | null;
}

/** How the audit log names a session's person: the provider's subject, and their name with their e-mail. */
export function sessionActor(s: Pick<AdminSession, 'via' | 'subject' | 'email' | 'name'>, address: string): Actor {
  if (s.via === 'token') return adminActor('page', address, TOKEN_HOLDER);
  const name = s.email && s.email !== s.name ? `${s.name} <${s.email}>` : s.name;
  const email = s.email;
  return {
    ...adminActor('page', address, { id: s.subject ?? s.email ?? s.name, name }),
    ...(email && { email: async () => email }),
  };
}

export interface AuthDeps {
  /** ADMIN_TOKEN: the API's bearer and the break-glass login, or null. */
  token: string | null;
  sessions: SessionStore;
  actions: Pick<Actions, 'sessionSeen'>;
  clock: () => number;
  idleMs: number;
  log: Logger;
}

/**
 * Admin authentication: `Authorization: Bearer ADMIN_TOKEN` (the API, an operator), or a
 * session cookie whose id's hash the store holds (made by a sign-in through the identity
 * provider or the token form; live until logout or `idleMs` unused, on every instance). Wrong
 * tokens are counted per client address: after LOGIN_FAILURES_PER_MINUTE in a minute the
 * address gets `blockedFor` > 0 until the oldest failure is a minute old. A form's CSRF token
 * is an HMAC keyed by the session id (the same on every instance, unknown to other sites).
 */
export class AdminAuth {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly d: AuthDeps) {}

  get hasToken(): boolean {
    return this.d.token !== null;
  }

  /** Milliseconds until `address` may present a token again (0: now). */
  blockedFor(address: string): number {
    const recent = this.recentFailures(address);
    return recent.length >= LOGIN_FAILURES_PER_MINUTE ? recent[0]! + WINDOW_MS - this.d.clock() : 0;
  }

  /** Whether `given` is ADMIN_TOKEN; a wrong one counts a failure for `address`. */
  tokenMatches(given: string, address: string): boolean {
    if (this.d.token !== null && same(given, this.d.token)) {
      this.failures.delete(address);
      return true;
    }
    this.fail(address);
    return false;
  }

  /** The request's user; `bad-bearer` for a wrong bearer token (counted); null without a live session. */
  async user(ctx: Context): Promise<AdminUser | 'bad-bearer' | null> {
    const h = ctx.get('authorization');
    if (h) {
      if (h.startsWith('Bearer ') && this.d.token !== null && same(h.slice(7), this.d.token))
        return { actor: adminActor('api', ctx.ip, TOKEN_HOLDER), role: 'operator', sessionId: null, session: null };
      this.fail(ctx.ip);
      return 'bad-bearer';
    }
    const id = ctx.cookies.get(SESSION_COOKIE);
    if (!id || id.length > MAX_COOKIE) return null;
    const s = await this.d.sessions.sessionByHash(secretHash(id));
    const now = this.d.clock();
    if (!s || s.endedAt !== null || s.lastSeenAt + this.d.idleMs <= now) return null;
    if (now - s.lastSeenAt >= SEEN_EVERY_MS)
      this.d.actions
        .sessionSeen(id)
        .catch((e: Error) => this.d.log.warn({ err: { message: e.message } }, 'session use not recorded'));
    return { actor: sessionActor(s, ctx.ip), role: s.role, sessionId: id, session: s };
  }

  /** The CSRF token for this user's forms (for bearer callers, one derived from the token). */
  csrf(user: AdminUser | null): string {
    const key = user?.sessionId ?? `bearer:${this.d.token ?? ''}`;
    return createHmac('sha256', key).update('vcc-notify admin csrf').digest('base64url');
  }

  /**
   * Lets requests with a user through (as `ctx.state.admin`); a wrong bearer token counts as a
   * failed login (and goes to `badBearer`); a blocked address gets `blocked(ctx, ms)`, others
   * without a login `unauthorized(ctx)`.
   */
  require(
    unauthorized: (ctx: Context) => void,
    blocked: (ctx: Context, ms: number) => void,
    badBearer: (ctx: Context) => Promise<void> = async () => {},
  ) {
    return async (ctx: Context, next: Next) => {
      const wait = this.blockedFor(ctx.ip);
      if (wait > 0) return blocked(ctx, wait);
      const user = await this.user(ctx);
      if (user === 'bad-bearer') await badBearer(ctx);
      if (user === null || user === 'bad-bearer') return unauthorized(ctx);
      ctx.state.admin = user;
      return next();
    };
  }

  private recentFailures(address: string): number[] {
    const now = this.d.clock();
    const recent = (this.failures.get(address) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length > 0) this.failures.set(address, recent);
    else this.failures.delete(address);
    return recent;
  }

  private fail(address: string): void {
    const recent = this.recentFailures(address);
    this.failures.delete(address);
    for (const k of this.failures.keys()) {
      if (this.failures.size < MAX_ADDRESSES) break;
      this.failures.delete(k);
    }
    this.failures.set(address, [...recent, this.d.clock()].slice(-LOGIN_FAILURES_PER_MINUTE));
  }
}
