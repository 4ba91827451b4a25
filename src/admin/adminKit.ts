import type { Context, Middleware, Next } from 'koa';
import getRawBody from 'raw-body';
import { LOGIN_FAILURES_PER_MINUTE, type AdminAuth, type AdminUser } from './auth.ts';
import type { Actor } from '../actions/Actor.ts';
import type { Actions } from '../actions/Actions.ts';
import type { ActionName } from '../actions/auditEntry.ts';
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';

/** What every admin page handler shares: the guards, sending a page, forms and their CSRF check. */
export interface AdminKit {
  auth: AdminAuth;
  /** Lets a signed-in viewer or operator (or the bearer token) through. */
  guard: Middleware;
  /** After `guard`: lets an operator through; a viewer gets 403, on the record as a refused `action`. */
  operator(action: ActionName): Middleware;
  /** Who makes this request (set by `guard`). */
  user(ctx: Context): AdminUser;
  actor(ctx: Context): Actor;
  send(ctx: Context, title: string, body: SafeHtml): void;
  /** A form body, at most 16 KiB; over that the request is answered 413 and null returned. */
  form(ctx: Context): Promise<URLSearchParams | null>;
  /** Whether the form carries this session's CSRF token; if not, the 403 page is sent. */
  csrfOk(ctx: Context, f: URLSearchParams): boolean;
  csrfField(ctx: Context): SafeHtml;
  loginForm(ctx: Context, message?: string, status?: number): void;
  tooMany(ctx: Context, ms: number): void;
}

/** How people sign in here: the identity provider's button, the token form, or both. */
export interface SignInWays {
  oidc: boolean;
  token: boolean;
}

const FORM_LIMIT = 16 * 1024;

/** The page to return to after signing in: the one asked for (a GET), or the login page's `back`. */
const backOf = (ctx: Context): string =>
  typeof ctx.query.back === 'string'
    ? ctx.query.back
    : ctx.method === 'GET' && !/^\/admin\/(login|callback)/.test(ctx.path)
      ? ctx.originalUrl
      : '';

/** `badBearer`: what to do about a request with a wrong bearer token (record it), before its 401. */
export function adminKit(
  auth: AdminAuth,
  ways: SignInWays,
  actions: Pick<Actions, 'refuse'>,
  badBearer?: (ctx: Context) => Promise<void>,
): AdminKit {
  const send = (ctx: Context, title: string, body: SafeHtml) => {
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = page(title, body);
  };
  const loginForm = (ctx: Context, message?: string, status = 401) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = page('Log in', loginView(ways, message, backOf(ctx)), false);
  };
  const tooMany = (ctx: Context, ms: number) => {
    ctx.status = 429;
    ctx.set('Retry-After', String(Math.ceil(ms / 1000)));
    ctx.type = 'html';
    ctx.body = page('Too many attempts', tooManyView(ms), false);
  };
  const user = (ctx: Context) => ctx.state.admin as AdminUser;
  return {
    auth,
    guard: auth.require((ctx) => loginForm(ctx), tooMany, badBearer),
    operator: (action) => async (ctx: Context, next: Next) => {
      if (user(ctx).role === 'operator') return next();
      const why = 'viewers read; this needs an operator (ADMIN_OPERATORS)';
      await actions.refuse(user(ctx).actor, action, null, why);
      ctx.status = 403;
      send(ctx, 'Not allowed', html`<p>You can read these pages; ${action} needs an operator (ADMIN_OPERATORS).</p>`);
    },
    user,
    actor: (ctx) => user(ctx).actor,
    send,
    form: (ctx) => readForm(ctx),
    csrfOk(ctx, f) {
      if (f.get('csrf') === auth.csrf(user(ctx))) return true;
      ctx.status = 403;
      send(
        ctx,
        'Refused',
        html`<p>The form expired or did not come from this page (CSRF check failed). Go back and try again.</p>`,
      );
      return false;
    },
    csrfField: (ctx) => html`<input type="hidden" name="csrf" value="${auth.csrf(user(ctx))}" />`,
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

const loginView = (ways: SignInWays, message: string | undefined, back: string) =>
  html`<div class="login">
    <h2>vcc-notify admin</h2>
    ${message ? html`<p class="s-dead">${message}</p>` : ''}
    ${
      ways.oidc
        ? html`<p>
            <a
              class="button"
              id="sign-in"
              href="/admin/login/oidc${back.startsWith('/admin') ? `?back=${encodeURIComponent(back)}` : ''}"
              >Sign in with your company account</a
            >
          </p>`
        : ''
    }
    ${
      ways.token
        ? html`<form method="post" action="/admin/login">
            <label
              >${ways.oidc ? 'Or the admin token (break-glass)' : 'Admin token'}<br /><input
                type="password"
                name="token"
                autocomplete="current-password"
                required
                style="width:100%"
            /></label>
            <p><button type="submit">Log in</button></p>
          </form>`
        : ''
    }
  </div>`;

const tooManyView = (ms: number) =>
  html`<div class="login">
    <h2>Too many wrong tokens</h2>
    <p>
      This address gave ${LOGIN_FAILURES_PER_MINUTE} wrong tokens within a minute. Try again in ${Math.ceil(ms / 1000)}
      s.
    </p>
  </div>`;
