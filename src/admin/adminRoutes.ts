import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import getRawBody from 'raw-body';
import { describeCondition, describeTerm } from '../routing/conditions.ts';
import { adminAuth, LOGIN_FAILURES_PER_MINUTE, SESSION_COOKIE, SESSION_MS } from './auth.ts';
import { html, SafeHtml } from './html.ts';
import { before, older, page, time } from './layout.ts';
import { mountEventPages } from './eventPages.ts';
import { count } from '../render/plural.ts';
import type { AdminDeps } from './AdminDeps.ts';
import type { Route } from '../routing/route.ts';

export type { AdminDeps };


/**
 * `/admin`: server-rendered pages, no JavaScript: recent events with their changes and
 * deliveries, dead deliveries with replay (POST, CSRF-checked), refused requests, the routes
 * in force, and a preview of any event as each channel would show it. Without a valid
 * bearer token or login session every page answers 401 with the login form.
 */
export function mountAdmin(router: Router, deps: AdminDeps): void {
  const auth = adminAuth(deps.token, deps.clock);
  const loginForm = (ctx: Context, message?: string) => {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = page('Log in', html`<div class="login"><h2>vcc-notify admin</h2>
${message ? html`<p class="s-dead">${message}</p>` : ''}
<form method="post" action="/admin/login"><label>Admin token<br><input type="password" name="token" autocomplete="current-password" required style="width:100%"></label>
<p><button type="submit">Log in</button></p></form></div>`, false);
  };
  const tooMany = (ctx: Context, ms: number) => {
    ctx.status = 429;
    ctx.set('Retry-After', String(Math.ceil(ms / 1000)));
    ctx.type = 'html';
    ctx.body = page('Too many attempts', html`<div class="login"><h2>Too many wrong tokens</h2>
<p>This address gave ${LOGIN_FAILURES_PER_MINUTE} wrong tokens within a minute. Try again in ${Math.ceil(ms / 1000)} s.</p></div>`, false);
  };
  /** A form body, at most 16 KiB; over that the request is answered 413 and null returned. */
  const form = async (ctx: Context): Promise<URLSearchParams | null> => {
    try {
      return new URLSearchParams(await getRawBody(ctx.req, { limit: FORM_LIMIT, length: ctx.get('content-length') || undefined, encoding: 'utf8' }));
    } catch (e) {
      if ((e as { type?: string }).type !== 'entity.too.large') throw e;
      ctx.status = 413;
      ctx.type = 'text';
      ctx.body = `form body over ${FORM_LIMIT / 1024} KiB`;
      return null;
    }
  };
  const csrfField = (ctx: Context) => html`<input type="hidden" name="csrf" value="${auth.csrf(ctx)}">`;
  const guard = auth.require((ctx) => loginForm(ctx), tooMany);
  /** Whether the form carries this session's CSRF token; if not, the 403 page is sent. */
  const csrfOk = (ctx: Context, f: URLSearchParams): boolean => {
    if (f.get('csrf') === auth.csrf(ctx)) return true;
    ctx.status = 403;
    send(ctx, 'Refused', html`<p>The form expired or did not come from this page (CSRF check failed). Go back and try again.</p>`);
    return false;
  };
  const send = (ctx: Context, title: string, body: SafeHtml) => {
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = page(title, body);
  };

  router.use('/admin', securityHeaders);
  router.get('/admin/login', (ctx) => loginForm(ctx));
  router.post('/admin/login', async (ctx) => {
    const wait = auth.blockedFor(ctx.ip);
    if (wait > 0) {
      deps.log.warn({ ip: ctx.ip }, 'admin login refused: too many wrong tokens from this address');
      return tooMany(ctx, wait);
    }
    const f = await form(ctx);
    if (!f) return;
    const session = auth.login(f.get('token') ?? '', ctx.ip);
    if (!session) {
      deps.log.warn({ ip: ctx.ip }, 'admin login failed: wrong token');
      return loginForm(ctx, 'Wrong token.');
    }
    deps.log.info({ ip: ctx.ip }, 'admin login');
    // Secure when the request came over HTTPS (directly, or per X-Forwarded-Proto with TRUST_PROXY).
    ctx.cookies.set(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/admin', maxAge: SESSION_MS, overwrite: true });
    ctx.redirect('/admin');
    ctx.status = 303;
  });
  router.post('/admin/logout', (ctx) => {
    auth.logout(ctx);
    deps.log.info({ ip: ctx.ip }, 'admin logout');
    ctx.cookies.set(SESSION_COOKIE, '', { path: '/admin', maxAge: 0, secure: ctx.secure });
    ctx.redirect('/admin/login');
    ctx.status = 303;
  });

  mountEventPages(router, deps, { guard, send, form, csrfOk, csrfField });

  router.get('/admin/dead', guard, async (ctx) => {
    const ds = await deps.store.listDeliveries({ status: 'dead', limit: DEAD_PAGE, beforeId: before(ctx) });
    send(ctx, 'Dead deliveries', html`<h2>Dead deliveries</h2>
${ctx.query.replayed !== undefined ? html`<p class="s-sent">Re-queued ${count(Number(ctx.query.replayed) || 0, 'delivery', 'deliveries')}.</p>` : ''}
${ds.length ? html`<form method="post" action="/admin/replay">${csrfField(ctx)}<button>Replay all dead deliveries</button></form>` : html`<p class="muted">No dead deliveries.</p>`}
<table><tr><th>Delivery</th><th>Event</th><th>Channel</th><th>Attempts</th><th>Died</th><th>Reason</th><th></th></tr>
${ds.map((d) => html`<tr><td>#${d.id}</td><td><a href="/admin/events/${d.eventId}">#${d.eventId}</a></td><td>${d.channel}</td><td>${d.attempts}</td><td>${time(d.updatedAt)}</td><td>${d.lastError ?? ''}</td>
<td><form class="inline" method="post" action="/admin/replay">${csrfField(ctx)}<input type="hidden" name="id" value="${d.id}"><button>Replay</button></form></td></tr>`)}</table>
${older('/admin/dead', ds, DEAD_PAGE)}`);
  });

  router.post('/admin/replay', guard, async (ctx) => {
    const f = await form(ctx);
    if (!f) return;
    if (!csrfOk(ctx, f)) return;
    const id = f.get('id');
    const n = await deps.store.replayDead(id ? { ids: [Number(id)] } : {}, deps.clock());
    deps.onReplay();
    const back = f.get('back');
    ctx.redirect(back && back.startsWith('/admin/') ? back : `/admin/dead?replayed=${n}`);
    ctx.status = 303;
  });

  router.get('/admin/refused', guard, async (ctx) => {
    const rs = await deps.store.listRefusals({ limit: REFUSED_PAGE, beforeId: before(ctx) });
    send(ctx, 'Refused requests', html`<h2>Refused requests</h2><table><tr><th>When</th><th>Status</th><th>Code</th><th>Reason</th><th>Path</th><th>Body (redacted)</th></tr>
${rs.map((r) => html`<tr><td>${time(r.receivedAt)}</td><td>${r.status}</td><td>${r.code}</td><td>${r.message}</td><td>${r.path ?? ''}</td><td><pre>${r.body ?? ''}</pre></td></tr>`)}</table>
${rs.length === 0 ? html`<p class="muted">Nothing refused.</p>` : ''}${older('/admin/refused', rs, REFUSED_PAGE)}`);
  });

  router.get('/admin/routes', guard, async (ctx) => {
    const config = deps.config();
    // One read: each row shows its own where terms (a second read could misalign with another instance's change).
    const subs = await deps.store.listSubscriptions();
    send(ctx, 'Routes', html`<h2>Routes in force</h2><p class="muted">Config: ${config.origin}</p>
<table><tr><th>Source</th><th>Channel</th><th>Type</th><th>Events</th><th>Where</th><th>Mentions</th></tr>
${config.routes.map((r) => html`<tr><td>file</td><td>${r.channel}</td><td>${config.channels[r.channel]?.type ?? ''}</td><td>${r.events?.join(', ') ?? 'all'}</td><td>${r.where ? Object.entries(r.where).map(([k, c]) => `${k}: ${describeCondition(c)}`).join('; ') : ''}</td><td>${mentionsText(r.mention)}</td></tr>`)}
${subs.map((s) => html`<tr><td>chat</td><td>${s.channel}</td><td>${deps.channelConfig(s.channel)?.type ?? ''}</td><td>${s.events?.join(', ') ?? 'all'}</td><td>${s.where.map(describeTerm).join(' ')}</td><td>${mentionsText(s.mention)}</td></tr>`)}</table>`);
  });
}

/** A route's mentions for a page: ids as typed, people by name and id. */
const mentionsText = (ms: Route['mention']) => (ms ?? []).map((m) => (typeof m === 'string' ? m : `${m.name} (${m.id})`)).join(', ');

const FORM_LIMIT = 16 * 1024;
const DEAD_PAGE = 200;
const REFUSED_PAGE = 100;

/**
 * Headers on every /admin response: no script may run (the pages have none), no site may
 * frame them, no MIME sniffing, no Referer (URLs carry event ids), nothing cached.
 */
async function securityHeaders(ctx: Context, next: Next) {
  await next();
  ctx.set({
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
}

