import { count } from '../render/plural.ts';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import getRawBody from 'raw-body';
import type { Delivery, EventStore, StoredEvent, SubscriptionStore } from '../store/Store.ts';
import type { NotifyConfig, ChannelConfig } from '../config/NotifyConfig.ts';
import type { Renderer } from '../render/Renderer.ts';
import type { Message } from '../render/Message.ts';
import type { Subscriptions } from '../chat/Subscriptions.ts';
import { describeCondition, describeTerm } from '../routing/conditions.ts';
import { payloadFor, platformOf } from '../platforms/registry.ts';
import { adminAuth, LOGIN_FAILURES_PER_MINUTE, SESSION_COOKIE, SESSION_MS } from './auth.ts';
import { html, SafeHtml } from './html.ts';

export interface AdminDeps {
  token: string;
  store: EventStore & Pick<SubscriptionStore, 'listSubscriptions'>;
  config: () => NotifyConfig;
  subscriptions: Subscriptions;
  renderer: Renderer;
  channelConfig: (name: string) => ChannelConfig | null;
  clock: () => number;
  log: Logger;
  /** Called after a replay so the worker picks the deliveries up now. */
  onReplay: () => void;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:10px 20px;display:flex;gap:18px;align-items:center}
header a{color:#fff;text-decoration:none}header b{margin-right:12px}
main{padding:16px 20px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e3e6ea;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}.muted{color:#6a737d}.s-sent{color:#1a7f37}.s-dead{color:#cf222e}.s-pending{color:#9a6700}
.badge{display:inline-block;border-radius:10px;padding:0 7px;margin:1px;font-size:12px;background:#eef1f4}
.previews{display:flex;flex-wrap:wrap;gap:16px}.preview{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px;width:360px}
.slack{border-left:4px solid #4a154b}.teams{border-left:4px solid #5b5fc7}.console{border-left:4px solid #6a737d;font-family:monospace}
.preview h4{margin:0 0 6px}.preview .facts{font-size:13px}.preview ul{margin:6px 0;padding-left:18px}
form.inline{display:inline}button{cursor:pointer}pre{white-space:pre-wrap;word-break:break-all;background:#fff;padding:6px;margin:0}
.login{max-width:360px;margin:60px auto;background:#fff;padding:24px;border-radius:8px;border:1px solid #d0d7de}`;

function page(title: string, body: SafeHtml, nav = true): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · vcc-notify</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${new SafeHtml(STYLE)}</style></head><body>
${nav ? html`<header><b>vcc-notify</b><a href="/admin">Events</a><a href="/admin/dead">Dead deliveries</a><a href="/admin/refused">Refused requests</a><a href="/admin/routes">Routes</a>
<form class="inline" method="post" action="/admin/logout" style="margin-left:auto"><button>Log out</button></form></header>` : ''}
<main>${body}</main></body></html>`.value;
}

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const who = (e: StoredEvent) => `${e.new.name ?? '(no name)'}${e.new.username ? ` (${e.new.username})` : ''}`;
const status = (d: Delivery) => html`<span class="s-${d.status}">${d.status}</span>`;

/**
 * How a channel would show a message: the neutral text laid out, and the exact body its
 * adapter would post (built by the same function), folded.
 */
function preview(name: string, ch: ChannelConfig, m: Message): SafeHtml {
  const t = platformOf(ch.type).target;
  return html`<div class="preview ${t}" data-channel="${name}"><div class="muted">${name} · ${ch.type} · ${m.severity}</div>
<h4>${m.title}</h4><div>${m.summary}</div>
${m.facts.length ? html`<div class="facts">${m.facts.map((f) => html`<div><b>${f.label}:</b> ${f.value}</div>`)}</div>` : ''}
${m.lines.length ? html`<ul>${m.lines.map((l) => html`<li>${l}</li>`)}</ul>` : ''}
<details><summary>What ${ch.type} receives</summary><pre>${JSON.stringify(payloadFor(ch, m), null, 2)}</pre></details></div>`;
}

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

  router.get('/admin', guard, async (ctx) => {
    const events = await deps.store.listEvents({ limit: EVENTS_PAGE, beforeId: before(ctx) });
    const rows = await Promise.all(events.map(async (e) => {
      const ds = await deps.store.listDeliveries({ eventId: e.id, limit: 20 });
      return html`<tr><td><a href="/admin/events/${e.id}">#${e.id}</a></td><td>${time(e.receivedAt)}</td><td>${who(e)}</td>
<td>${e.kinds.map((k) => html`<span class="badge">${k}</span>`)}</td>
<td>${e.changes.map((c) => html`<div>${c.field ? `${c.field}: ${c.sensitive ? 'changed (hidden)' : `${String(c.before ?? '(none)')} → ${String(c.after ?? '(none)')}`}` : c.kind}</div>`)}</td>
<td>${ds.map((d) => html`<div>${d.channel}: ${status(d)}</div>`)}</td></tr>`;
    }));
    send(ctx, 'Events', html`<h2>Recent events</h2><table><tr><th>Event</th><th>Received</th><th>User</th><th>Kinds</th><th>Changes</th><th>Deliveries</th></tr>${rows}</table>
${events.length === 0 ? html`<p class="muted">No events yet.</p>` : ''}${older('/admin', events, EVENTS_PAGE)}`);
  });

  router.get('/admin/events/:id', guard, async (ctx) => {
    const e = await deps.store.getEvent(Number(ctx.params.id));
    if (!e) {
      ctx.status = 404;
      return send(ctx, 'Not found', html`<p>No event #${ctx.params.id}.</p>`);
    }
    const ds = await deps.store.listDeliveries({ eventId: e.id, limit: 50 });
    const config = deps.config();
    const names = [...new Set([...ds.map((d) => d.channel), ...Object.keys(config.channels)])];
    const previews = names.flatMap((name) => {
      const ch = deps.channelConfig(name);
      if (!ch) return [];
      const d = ds.find((x) => x.channel === name);
      return [preview(name, ch, deps.renderer.event(e, { kinds: d?.kinds ?? e.kinds, show: d?.show ?? [] }, platformOf(ch.type).target))];
    });
    send(ctx, `Event #${e.id}`, html`<h2>Event #${e.id}: ${who(e)}</h2>
<p class="muted">Received ${time(e.receivedAt)} · VCC timestamp ${e.vccTimestamp ?? 'none'} · user id ${e.userId ?? 'none'}</p>
<h3>Changes</h3><ul>${e.changes.map((c) => html`<li>${c.kind}${c.field ? html`: ${c.field} ${c.sensitive ? '(value hidden)' : html`${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`}` : ''}</li>`)}</ul>
<h3>Deliveries</h3><table><tr><th>Channel</th><th>Status</th><th>Attempts</th><th>Last error</th><th></th></tr>
${ds.map((d) => html`<tr><td>${d.channel}</td><td>${status(d)}</td><td>${d.attempts}</td><td>${d.lastError ?? ''}</td>
<td>${d.status === 'dead' ? html`<form class="inline" method="post" action="/admin/replay">${csrfField(ctx)}<input type="hidden" name="id" value="${d.id}"><input type="hidden" name="back" value="/admin/events/${e.id}"><button>Replay</button></form>` : ''}</td></tr>`)}</table>
<h3>Preview in each channel</h3><div class="previews">${previews}</div>`);
  });

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
    if (f.get('csrf') !== auth.csrf(ctx)) {
      ctx.status = 403;
      return send(ctx, 'Refused', html`<p>The form expired or did not come from this page (CSRF check failed). Go back and try again.</p>`);
    }
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
    await deps.subscriptions.refresh();
    const config = deps.config();
    const subs = deps.subscriptions.routes();
    const raw = await deps.store.listSubscriptions();
    send(ctx, 'Routes', html`<h2>Routes in force</h2><p class="muted">Config: ${config.origin}</p>
<table><tr><th>Source</th><th>Channel</th><th>Type</th><th>Events</th><th>Where</th></tr>
${config.routes.map((r) => html`<tr><td>file</td><td>${r.channel}</td><td>${config.channels[r.channel]?.type ?? ''}</td><td>${r.events?.join(', ') ?? 'all'}</td><td>${r.where ? Object.entries(r.where).map(([k, c]) => `${k}: ${describeCondition(c)}`).join('; ') : ''}</td></tr>`)}
${subs.map((r, i) => html`<tr><td>chat</td><td>${r.channel}</td><td>${r.channel.split(':')[0]}</td><td>${r.events?.join(', ') ?? 'all'}</td><td>${raw[i]?.where.map(describeTerm).join(' ') ?? ''}</td></tr>`)}</table>`);
  });
}

const FORM_LIMIT = 16 * 1024;

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

/** Page sizes of the lists; pages go back by id (keyset), so new rows never shift a page. */
const EVENTS_PAGE = 50;
const DEAD_PAGE = 200;
const REFUSED_PAGE = 100;

/** The `before` query parameter: the last id of the previous page, or none. */
function before(ctx: Context): number | undefined {
  const n = Number(ctx.query.before);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A link to the next, older page when this one is full. */
function older(path: string, rows: ReadonlyArray<{ id: number }>, page: number): SafeHtml | string {
  return rows.length === page ? html`<p><a class="older" href="${path}?before=${rows[rows.length - 1]!.id}">Older →</a></p>` : '';
}
