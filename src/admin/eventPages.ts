import type Router from '@koa/router';
import type { Context } from 'koa';
import { Readable } from 'node:stream';
import { placeNow, shapedMessages, type Place } from '../channels/threadedShape.ts';
import type { StoredEvent } from '../store/Store.ts';
import type { AdminKit } from './adminKit.ts';
import type { AdminDeps } from './AdminDeps.ts';
import { html } from './html.ts';
import { eventsTable, eventView, resendButton, searchView, userView } from './eventViews.ts';
import { before, preview } from './layout.ts';
import { parseEventFilters } from './eventFilters.ts';
import { CSV_HEADER, csvLine } from './eventsCsv.ts';

const EVENTS_PAGE = 50;
/** Events per store read while the CSV streams (the event loop is free between reads). */
const CSV_PAGE = 500;

/**
 * The event pages: the list with search (`/admin?q=&kind=&since=&until=`), one user's timeline
 * (`/admin/users/:userId`), one event with its deliveries, previews and resend buttons
 * (POST, CSRF-checked), and the CSV of a search (`/admin/events.csv`). Passwords are never
 * shown and wage values stay hidden on every one of them. Handlers here, views in eventViews.ts.
 */
export function mountEventPages(router: Router, deps: AdminDeps, kit: AdminKit): void {
  router.get('/admin', kit.guard, (ctx) => searchPage(ctx, deps, kit));
  router.get('/admin/users/:userId', kit.guard, (ctx) => userPage(ctx, deps, kit));
  router.get('/admin/events.csv', kit.guard, (ctx) => eventsCsv(ctx, deps, kit));
  router.get('/admin/events/:id', kit.guard, (ctx) => eventPage(ctx, deps, kit));
  router.post('/admin/events/:id/resend', kit.guard, kit.operator('resend'), (ctx) => resend(ctx, deps, kit));
}

/** A page of events as a table, their deliveries read in one query. */
async function table(deps: AdminDeps, events: readonly StoredEvent[]) {
  return eventsTable(events, await deps.store.deliveriesOf(events.map((e) => e.id)), deps.config().labels);
}

function badFilter(ctx: Context, kit: AdminKit, error: string): void {
  ctx.status = 400;
  kit.send(
    ctx,
    'Bad search',
    html`<p class="s-dead">${error}</p>
      <p><a href="/admin">Back to the events</a></p>`,
  );
}

async function searchPage(ctx: Context, deps: AdminDeps, kit: AdminKit): Promise<void> {
  const parsed = parseEventFilters(ctx.query);
  if ('error' in parsed) return badFilter(ctx, kit, parsed.error);
  const page = await deps.store.searchEvents({ ...parsed.filters, limit: EVENTS_PAGE, beforeId: before(ctx) });
  kit.send(ctx, 'Events', searchView(parsed.given, await table(deps, page.events), page.next));
}

async function userPage(ctx: Context, deps: AdminDeps, kit: AdminKit): Promise<void> {
  const user = String(ctx.params.userId).slice(0, 200);
  const page = await deps.store.searchEvents({ user, limit: EVENTS_PAGE, beforeId: before(ctx) });
  kit.send(ctx, `User ${user}`, userView(user, page.events[0], await table(deps, page.events), page.next));
}

async function eventsCsv(ctx: Context, deps: AdminDeps, kit: AdminKit): Promise<void> {
  const parsed = parseEventFilters(ctx.query);
  if ('error' in parsed) return badFilter(ctx, kit, parsed.error);
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
}

async function eventPage(ctx: Context, deps: AdminDeps, kit: AdminKit): Promise<void> {
  const e = await deps.store.getEvent(Number(ctx.params.id));
  if (!e) {
    ctx.status = 404;
    return kit.send(ctx, 'Not found', html`<p>No event #${ctx.params.id}.</p>`);
  }
  const ds = await deps.store.listDeliveries({ eventId: e.id, limit: 50 });
  const names = [...new Set([...ds.map((d) => d.channel), ...Object.keys(deps.config().channels)])];
  const csrf = kit.csrfField(ctx);
  const threads = e.userId === null ? [] : await deps.store.threadsOf(e.userId);
  const previews = names.flatMap((name) => {
    const ch = deps.channelConfig(name);
    if (!ch) return [];
    const d = ds.find((x) => x.channel === name);
    const root = threads.find((r) => r.channel === name);
    // What the channel received (a sent delivery's place in the agent's thread), else what it would now.
    const place: Place =
      d?.thread === 'root'
        ? { as: 'root' }
        : d?.thread === 'reply'
          ? { as: 'reply', changes: root?.changes ?? 1 }
          : d?.thread === 'channel'
            ? { as: 'message' }
            : placeNow(deps.config().threads[name], e.userId, root, deps.clock());
    const delivery = { kinds: d?.kinds ?? e.kinds, show: d?.show ?? [], mention: d?.mention ?? [] };
    const shaped = shapedMessages(deps.renderer, ch, e, delivery, place);
    const label = (what: string) => (place.as === 'message' ? '' : html`<div class="muted">${what}</div>`);
    return [
      html`<div>
        ${shaped.map((x) => html`${label(x.what)}${preview(name, ch, x.message)}`)}${resendButton(e.id, name, csrf)}
      </div>`,
    ];
  });
  const resent = typeof ctx.query.resent === 'string' && deps.channelConfig(ctx.query.resent) ? ctx.query.resent : null;
  kit.send(ctx, `Event #${e.id}`, eventView(e, ds, previews, resent, csrf, deps.config().labels, threads));
}

async function resend(ctx: Context, deps: AdminDeps, kit: AdminKit): Promise<void> {
  const f = await kit.form(ctx);
  if (!f || !kit.csrfOk(ctx, f)) return;
  const e = await deps.store.getEvent(Number(ctx.params.id));
  const channel = f.get('channel') ?? '';
  const actor = kit.actor(ctx);
  const why = !e
    ? `No event #${ctx.params.id}.`
    : !deps.channelConfig(channel)
      ? `No channel "${channel}" in the config in force.`
      : null;
  if (why || !e) {
    await deps.actions.refuse(actor, 'resend', `event #${Number(ctx.params.id) || 0}`, why!);
    ctx.status = 404;
    return kit.send(ctx, 'Not found', html`<p>${why}</p>`);
  }
  const r = await deps.actions.resend(actor, e.id, channel);
  deps.log.info({ event: e.id, channel, queued: r.ok ? r.resent.length : 0 }, 'admin resend');
  ctx.redirect(`/admin/events/${e.id}?resent=${encodeURIComponent(channel)}`);
  ctx.status = 303;
}
