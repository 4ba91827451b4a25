import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import { LOGIN_FAILURES_PER_MINUTE, type AdminAuth } from './auth.ts';
import { adminActor, type Actor } from '../actions/Actor.ts';
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';

/** What every admin page handler shares: the guard, sending a page, forms and their CSRF check. */
export interface AdminKit {
  auth: AdminAuth;
  guard: Middleware;
  /** Who makes this request: the page (a session) or the API (a bearer token), from its address. */
  actor(ctx: Context): Actor;
  send(ctx: Context, title: string, body: SafeHtml): void;
  /** A form body, at most 16 KiB; over that the request is answered 413 and null returned. */
  form(ctx: Context): Promise<URLSearchParams | null>;
  /** Whether the form carries this session's CSRF token; if not, the 403 page is sent. */
  csrfOk(ctx: Context, f: URLSearchParams): boolean;
  csrfField(ctx: Context): SafeHtml;
  loginForm(ctx: Context, message?: string): void;
  tooMany(ctx: Context, ms: number): void;
}

const FORM_LIMIT = 16 * 1024;

/** `badBearer`: what to do about a request with a wrong bearer token (record it), before its 401. */
export function adminKit(auth: AdminAuth, badBearer?: (ctx: Context) => Promise<void>): AdminKit {
  const send = (ctx: Context, title: string, body: SafeHtml) => {
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = page(title, body);
  };
  const loginForm = (ctx: Context, message?: string) => {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = page('Log in', loginView(message), false);
  };
  const tooMany = (ctx: Context, ms: number) => {
    ctx.status = 429;
    ctx.set('Retry-After', String(Math.ceil(ms / 1000)));
    ctx.type = 'html';
    ctx.body = page('Too many attempts', tooManyView(ms), false);
  };
  return {
    auth,
    guard: auth.require((ctx) => loginForm(ctx), tooMany, badBearer),
    actor: (ctx) => adminActor(ctx.get('authorization') ? 'api' : 'page', ctx.ip),
    send,
    form: (ctx) => readForm(ctx),
    csrfOk(ctx, f) {
      if (f.get('csrf') === auth.csrf(ctx)) return true;
      ctx.status = 403;
      send(
        ctx,
        'Refused',
        html`<p>The form expired or did not come from this page (CSRF check failed). Go back and try again.</p>`,
      );
      return false;
    },
    csrfField: (ctx) => html`<input type="hidden" name="csrf" value="${auth.csrf(ctx)}" />`,
    loginForm,
    tooMany,
  };
}

async function readForm(ctx: Context): Promise<URLSearchParams | null> {
  try {
    return new URLSearchParams(
      await getRawBody(ctx.req, {
        limit: FORM_LIMIT,
        length: ctx.get('content-length') || undefined,
        encoding: 'utf8',
      }),
    );
  } catch (e) {
    if ((e as { type?: string }).type !== 'entity.too.large') throw e;
    ctx.status = 413;
    ctx.type = 'text';
    ctx.body = `form body over ${FORM_LIMIT / 1024} KiB`;
    return null;
  }
}

const loginView = (message?: string) =>
  html`<div class="login">
    <h2>vcc-notify admin</h2>
    ${message ? html`<p class="s-dead">${message}</p>` : ''}
    <form method="post" action="/admin/login">
      <label
        >Admin token<br /><input
          type="password"
          name="token"
          autocomplete="current-password"
          required
          style="width:100%"
      /></label>
      <p><button type="submit">Log in</button></p>
    </form>
  </div>`;

const tooManyView = (ms: number) =>
  html`<div class="login">
    <h2>Too many wrong tokens</h2>
    <p>
      This address gave ${LOGIN_FAILURES_PER_MINUTE} wrong tokens within a minute. Try again in ${Math.ceil(ms / 1000)}
      s.
    </p>
  </div>`;
