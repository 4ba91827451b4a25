import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { Readable } from 'node:stream';
import { resendPlan } from '../routing/route.ts';
import { changeText } from '../render/changeText.ts';
import { EVENT_KINDS } from '../vcc/changes.ts';
import type { StoredEvent } from '../store/Store.ts';
import { messageFor } from '../channels/Channels.ts';
import type { AdminDeps } from './AdminDeps.ts';
import { html, SafeHtml } from './html.ts';
import { before, olderFrom, preview, status, time, who } from './layout.ts';
import { parseEventFilters } from './eventFilters.ts';
import { CSV_HEADER, csvLine } from './eventsCsv.ts';

/** What the event pages share with the other admin pages. */
export interface AdminKit {
  guard: Middleware;
  send(ctx: Context, title: string, body: SafeHtml): void;
  form(ctx: Context): Promise<URLSearchParams | null>;
  csrfOk(ctx: Context, f: URLSearchParams): boolean;
  csrfField(ctx: Context): SafeHtml;
}

const EVENTS_PAGE = 50;
/** Events per store read while the CSV streams (the event loop is free between reads). */
const CSV_PAGE = 500;

/**
 * The event pages: the list with search (`/admin?q=&kind=&since=&until=`), one user's timeline
 * (`/admin/users/:userId`), one event with its deliveries, previews and resend buttons
 * (POST, CSRF-checked), and the CSV of a search (`/admin/events.csv`). Passwords are never
 * shown and wage values stay hidden on every one of them.
 */
export function mountEventPages(router: Router, deps: AdminDeps, kit: AdminKit): void {
  const { guard, send } = kit;
  const changes = (e: StoredEvent) => e.changes.map((c) => html`<div>${changeText(c, deps.config().labels, { showWages: false })}</div>`);
  /** Rows of events with their deliveries (read in one query for the page), newest first. */
  const table = async (events: readonly StoredEvent[]) => {
    const deliveries = await deps.store.deliveriesOf(events.map((e) => e.id));
    return html`<table><tr><th>Event</th><th>Received</th><th>User</th><th>Kinds</th><th>Changes</th><th>Deliveries</th></tr>
${events.map((e) => {
    const ds = deliveries.get(e.id) ?? [];
    return html`<tr><td><a href="/admin/events/${e.id}">#${e.id}</a></td><td>${time(e.receivedAt)}</td>
<td>${e.userId ? html`<a href="/admin/users/${encodeURIComponent(e.userId)}">${who(e)}</a>` : who(e)}</td>
<td>${e.kinds.map((k) => html`<span class="badge">${k}</span>`)}</td><td>${changes(e)}</td><td>${ds.map((d) => html`<div>${d.channel}: ${status(d)}</div>`)}</td></tr>`;
  })}</table>${events.length === 0 ? html`<p class="muted">No events.</p>` : ''}`;
  };
  const badFilter = (ctx: Context, error: string) => {
    ctx.status = 400;
    send(ctx, 'Bad search', html`<p class="s-dead">${error}</p><p><a href="/admin">Back to the events</a></p>`);
  };

  router.get('/admin', guard, async (ctx) => {
    const parsed = parseEventFilters(ctx.query);
    if ('error' in parsed) return badFilter(ctx, parsed.error);
    const { filters, given } = parsed;
    const page = await deps.store.searchEvents({ ...filters, limit: EVENTS_PAGE, beforeId: before(ctx) });
    const v = (k: string) => given.get(k) ?? '';
    send(ctx, 'Events', html`<h2>${given.size ? 'Events found' : 'Recent events'}</h2>
<form method="get" action="/admin" class="search"><input name="q" placeholder="user id, username, email or name" value="${v('q')}" size="32">
<select name="kind"><option value="">any kind</option>${EVENT_KINDS.map((k) => html`<option value="${k}"${new SafeHtml(v('kind') === k ? ' selected' : '')}>${k}</option>`)}</select>
<label>since <input name="since" type="date" value="${v('since')}"></label> <label>until <input name="until" type="date" value="${v('until')}"></label>
<button>Search</button> <a href="/admin/events.csv?${given.toString()}">CSV of these events</a></form>
${await table(page.events)}${olderFrom('/admin', page.next, given)}`);
  });

  router.get('/admin/users/:userId', guard, async (ctx) => {
    const user = String(ctx.params.userId).slice(0, 200);
    const page = await deps.store.searchEvents({ user, limit: EVENTS_PAGE, beforeId: before(ctx) });
    const latest = page.events[0];
    send(ctx, `User ${user}`, html`<h2>User ${user}${latest ? html`: ${who(latest)}` : ''}</h2>
<p class="muted">Every stored event for this VCC user id, newest first. <a href="/admin/events.csv?user=${encodeURIComponent(user)}">CSV</a></p>
${await table(page.events)}${olderFrom(`/admin/users/${encodeURIComponent(user)}`, page.next)}`);
  });

  router.get('/admin/events.csv', guard, async (ctx) => {
    const parsed = parseEventFilters(ctx.query);
    if ('error' in parsed) return badFilter(ctx, parsed.error);
    const { filters } = parsed;
    const labels = deps.config().labels;
    const store = deps.store;
    async function* lines() {
      yield `${CSV_HEADER.join(',')}\r\n`;
      let beforeId: number | undefined;
      for (;;) {
        const page = await store.searchEvents({ ...filters, limit: CSV_PAGE, beforeId });
        const deliveries = await store.deliveriesOf(page.events.map((e) => e.id));
        for (const e of page.events) yield `${csvLine(e, deliveries.get(e.id) ?? [], labels)}\r\n`;
        if (page.next === null) return;
        beforeId = page.next;
      }
    }
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="vcc-events.csv"');
    ctx.body = Readable.from(lines());
  });

  router.get('/admin/events/:id', guard, async (ctx) => {
    const e = await deps.store.getEvent(Number(ctx.params.id));
    if (!e) {
      ctx.status = 404;
      return send(ctx, 'Not found', html`<p>No event #${ctx.params.id}.</p>`);
    }
    const ds = await deps.store.listDeliveries({ eventId: e.id, limit: 50 });
    const names = [...new Set([...ds.map((d) => d.channel), ...Object.keys(deps.config().channels)])];
    const resendButton = (channel: string) => html`<form class="inline" method="post" action="/admin/events/${e.id}/resend">${kit.csrfField(ctx)}<input type="hidden" name="channel" value="${channel}"><button>Resend to ${channel}</button></form>`;
    const previews = names.flatMap((name) => {
      const ch = deps.channelConfig(name);
      if (!ch) return [];
      const d = ds.find((x) => x.channel === name);
      return [html`<div>${preview(name, ch, messageFor(deps.renderer, ch, e, { kinds: d?.kinds ?? e.kinds, show: d?.show ?? [], mention: d?.mention ?? [] }))}${resendButton(name)}</div>`];
    });
    send(ctx, `Event #${e.id}`, html`<h2>Event #${e.id}: ${who(e)}</h2>
${typeof ctx.query.resent === 'string' && deps.channelConfig(ctx.query.resent) ? html`<p class="s-sent">Queued for ${ctx.query.resent}; the worker sends it now.</p>` : ''}
<p class="muted">Received ${time(e.receivedAt)} · VCC timestamp ${e.vccTimestamp ?? 'none'} · user id ${e.userId ? html`<a href="/admin/users/${encodeURIComponent(e.userId)}">${e.userId}</a>` : 'none'}</p>
<h3>Changes</h3><ul>${e.changes.map((c) => html`<li>${c.field ? `${c.kind}: ` : ''}${changeText(c, deps.config().labels, { showWages: false })}</li>`)}</ul>
<h3>Deliveries</h3><table><tr><th>Channel</th><th>Status</th><th>Attempts</th><th>Last error</th><th></th></tr>
${ds.map((d) => html`<tr><td>${d.channel}</td><td>${status(d)}</td><td>${d.attempts}</td><td>${d.lastError ?? ''}</td>
<td>${d.status === 'dead' ? html`<form class="inline" method="post" action="/admin/replay">${kit.csrfField(ctx)}<input type="hidden" name="id" value="${d.id}"><input type="hidden" name="back" value="/admin/events/${e.id}"><button>Replay</button></form>` : ''}</td></tr>`)}</table>
<h3>Preview in each channel</h3><div class="previews">${previews}</div>`);
  });

  router.post('/admin/events/:id/resend', guard, async (ctx) => {
    const f = await kit.form(ctx);
    if (!f || !kit.csrfOk(ctx, f)) return;
    const e = await deps.store.getEvent(Number(ctx.params.id));
    const channel = f.get('channel') ?? '';
    if (!e || !deps.channelConfig(channel)) {
      ctx.status = 404;
      return send(ctx, 'Not found', html`<p>${e ? `No channel "${channel}" in the config in force.` : `No event #${ctx.params.id}.`}</p>`);
    }
    for (const d of resendPlan(e.new, e.changes, deps.routes(), channel)) await deps.store.resend(e.id, d, deps.clock());
    deps.log.info({ event: e.id, channel }, 'admin resend');
    deps.onReplay();
    ctx.redirect(`/admin/events/${e.id}?resent=${encodeURIComponent(channel)}`);
    ctx.status = 303;
  });
}
