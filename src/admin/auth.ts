import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';

export const SESSION_COOKIE = 'vcc_notify_admin';
/** How long a login lasts. */
export const SESSION_MS = 12 * 3600_000;
/** Wrong tokens (login form or bearer) one client address may present per minute before 429. */
export const LOGIN_FAILURES_PER_MINUTE = 5;
const WINDOW_MS = 60_000;
/** Bounds on what hostile clients can make this module remember. */
const MAX_SESSIONS = 1_000;
const MAX_ADDRESSES = 10_000;

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Drops the oldest entries (Map keeps insertion order) until `map` has room for one more. */
const makeRoom = <K, V>(map: Map<K, V>, max: number) => {
  for (const k of map.keys()) {
    if (map.size < max) return;
    map.delete(k);
  }
};

/**
 * Admin authentication: `Authorization: Bearer ADMIN_TOKEN`, or a session cookie from the login
 * form. Sessions live in this process (a restart logs everyone out) and logout ends them for
 * good. Wrong tokens are counted per client address: after LOGIN_FAILURES_PER_MINUTE in a
 * minute the address gets `blockedFor` > 0 until the oldest failure is a minute old. CSRF
 * tokens are an HMAC of the session id under a per-process key.
 */
export function adminAuth(token: string, clock: () => number): AdminAuth {
  return new AdminAuth(token, clock);
}

export class AdminAuth {
  private readonly key = randomBytes(32);
  private readonly sessions = new Map<string, number>();
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly token: string,
    private readonly clock: () => number,
  ) {}

  /** Milliseconds until `address` may present a token again (0: now). */
  blockedFor(address: string): number {
    const recent = this.recentFailures(address);
    return recent.length >= LOGIN_FAILURES_PER_MINUTE ? recent[0]! + WINDOW_MS - this.clock() : 0;
  }

  /** A new session id when `given` is the token; otherwise counts a failure for `address`. */
  login(given: string, address: string): string | null {
    if (!same(given, this.token)) {
      this.fail(address);
      return null;
    }
    this.failures.delete(address);
    for (const [id, until] of this.sessions) if (until <= this.clock()) this.sessions.delete(id);
    makeRoom(this.sessions, MAX_SESSIONS);
    const id = randomBytes(24).toString('base64url');
    this.sessions.set(id, this.clock() + SESSION_MS);
    return id;
  }

  /** Whether the request carries a live session. */
  isSignedIn(ctx: Context): boolean {
    return this.live(ctx.cookies.get(SESSION_COOKIE));
  }

  /** Ends the request's session: its cookie no longer works anywhere. */
  logout(ctx: Context): void {
    const id = ctx.cookies.get(SESSION_COOKIE);
    if (id) this.sessions.delete(id);
  }

  /** The CSRF token for this request's session (or for bearer callers). */
  csrf(ctx: Context): string {
    return createHmac('sha256', this.key)
      .update(`csrf:${ctx.cookies.get(SESSION_COOKIE) ?? 'bearer'}`)
      .digest('base64url');
  }

  /**
   * Lets authenticated requests through; a wrong bearer token counts as a failed login (and
   * goes to `badBearer`); a blocked address gets `blocked(ctx, ms)`, others without a login
   * `unauthorized(ctx)`.
   */
  require(
    unauthorized: (ctx: Context) => void,
    blocked: (ctx: Context, ms: number) => void,
    badBearer: (ctx: Context) => Promise<void> = async () => {},
  ) {
    return async (ctx: Context, next: Next) => {
      const wait = this.blockedFor(ctx.ip);
      if (wait > 0) return blocked(ctx, wait);
      const b = this.bearer(ctx);
      if (b === 'good' || (b === 'none' && this.live(ctx.cookies.get(SESSION_COOKIE)))) return next();
      if (b === 'bad') {
        this.fail(ctx.ip);
        await badBearer(ctx);
      }
      unauthorized(ctx);
    };
  }

  private live(id: string | undefined): boolean {
    const until = id === undefined ? undefined : this.sessions.get(id);
    if (until === undefined) return false;
    if (until > this.clock()) return true;
    this.sessions.delete(id!);
    return false;
  }

  private recentFailures(address: string): number[] {
    const now = this.clock();
    const recent = (this.failures.get(address) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length > 0) this.failures.set(address, recent);
    else this.failures.delete(address);
    return recent;
  }

  private fail(address: string): void {
    const recent = this.recentFailures(address);
    this.failures.delete(address);
    makeRoom(this.failures, MAX_ADDRESSES);
    this.failures.set(address, [...recent, this.clock()].slice(-LOGIN_FAILURES_PER_MINUTE));
  }

  private bearer(ctx: Context): 'none' | 'good' | 'bad' {
    const h = ctx.get('authorization');
    if (!h) return 'none';
    return h.startsWith('Bearer ') && same(h.slice(7), this.token) ? 'good' : 'bad';
  }
}
