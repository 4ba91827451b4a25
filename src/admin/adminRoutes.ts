import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { describeCondition, describeTerm } from '../routing/conditions.ts';
import { AdminAuth } from './auth.ts';
import { mountSignIn } from './signInRoutes.ts';
import { adminKit, type AdminKit } from './adminKit.ts';
import { html, type SafeHtml } from './html.ts';
import { before, older, time } from './layout.ts';
import { mountEventPages } from './eventPages.ts';
import { mountMutePages } from './mutePages.ts';
import { mountAuditPage } from './auditPage.ts';
import { mountReviewsPage } from './reviewsPage.ts';
import { mountReviewPage } from './reviewPage.ts';
import { SignInAudit } from './signInAudit.ts';
import { adminActor } from '../actions/Actor.ts';
import { count } from '../render/plural.ts';
import type { AdminDeps } from './AdminDeps.ts';
import type { Route } from '../routing/route.ts';
import type { NotifyConfig } from '../config/NotifyConfig.ts';
import type { Delivery, StoredRefusal, Subscription } from '../store/Store.ts';

export type { AdminDeps };

const DEAD_PAGE = 200;
const REFUSED_PAGE = 100;

/**
 * `/admin`: server-rendered pages, no JavaScript: recent events with their changes and
 * deliveries, dead deliveries with replay (POST, CSRF-checked), refused requests, the routes
 * in force, and a preview of any event as each channel would show it. Without a valid
 * bearer token or login session every page answers 401 with the login form. Each page is a
 * handler (reads, decides) and a view (HTML from what was read).
 */
export async function mountAdmin(router: Router, deps: AdminDeps): Promise<void> {
  const signIns = new SignInAudit(deps.actions, deps.clock, deps.log);
  const { token, oidc: oidcSettings, idleMs } = deps.signIn;
  const auth = new AdminAuth({
    token,
    sessions: deps.store,
    actions: deps.actions,
    clock: deps.clock,
    idleMs,
    log: deps.log,
  });
  const kit = adminKit(auth, { oidc: oidcSettings !== null, token: token !== null }, deps.actions, (ctx) =>
    signIns.failed(adminActor('api', ctx.ip), 'wrong bearer token'),
  );
  // The identity provider's client loads only when sign-in through it is configured.
  const oidc = oidcSettings
    ? new (await import('./oidcSignIn.ts')).OidcSignIn(oidcSettings, deps.actions, deps.clock, deps.log)
    : null;
  router.use('/admin', securityHeaders);
  mountSignIn(router, deps, kit, signIns, oidc);
  mountEventPages(router, deps, kit);
  mountMutePages(router, deps, kit);
  mountAuditPage(router, deps, kit);
  mountReviewsPage(router, deps, kit);
  mountReviewPage(router, deps, kit);
  router.get('/admin/dead', kit.guard, async (ctx) => {
    const ds = await deps.store.listDeliveries({ status: 'dead', limit: DEAD_PAGE, beforeId: before(ctx) });
    kit.send(ctx, 'Dead deliveries', deadView(ds, kit.csrfField(ctx), ctx.query.replayed));
  });
  router.post('/admin/replay', kit.guard, kit.operator('replay'), (ctx) => replay(ctx, deps, kit));
  router.get('/admin/refused', kit.guard, async (ctx) => {
    kit.send(
      ctx,
      'Refused requests',
      refusedView(await deps.store.listRefusals({ limit: REFUSED_PAGE, beforeId: before(ctx) })),
    );
  });
  router.get('/admin/routes', kit.guard, async (ctx) => {
    // One read: each row shows its own where terms (a second read could misalign with another instance's change).
    const subs = await deps.store.listSubscriptions();
    kit.send(
      ctx,
      'Routes',
      routesView(deps.config(), subs, (name) => deps.channelConfig(name)?.type ?? ''),
    );
  });
}

async function replay(ctx: Context, deps: AdminDeps, kit: AdminKit): Promise<void> {
  const f = await kit.form(ctx);
  if (!f || !kit.csrfOk(ctx, f)) return;
  const id = Number(f.get('id'));
  const r = await deps.actions.replay(kit.actor(ctx), Number.isSafeInteger(id) && id > 0 ? { ids: [id] } : {});
  const n = r.ok ? r.queued : 0;
  const back = f.get('back');
  ctx.redirect(back && back.startsWith('/admin/') ? back : `/admin/dead?replayed=${n}`);
  ctx.status = 303;
}

function deadView(ds: Delivery[], csrf: SafeHtml, replayed: unknown): SafeHtml {
  return html`<h2>Dead deliveries</h2>
    ${replayed !== undefined ? html`<p class="s-sent">Re-queued ${count(Number(replayed) || 0, 'delivery', 'deliveries')}.</p>` : ''}
    ${ds.length ? html`<form method="post" action="/admin/replay">${csrf}<button>Replay all dead deliveries</button></form>` : html`<p class="muted">No dead deliveries.</p>`}
    <table>
      <tr>
        <th>Delivery</th>
        <th>Event</th>
        <th>Channel</th>
        <th>Attempts</th>
        <th>Died</th>
        <th>Reason</th>
        <th></th>
      </tr>
      ${ds.map(
        (d) =>
          html`<tr>
            <td>#${d.id}</td>
            <td><a href="/admin/events/${d.eventId}">#${d.eventId}</a></td>
            <td>${d.channel}</td>
            <td>${d.attempts}</td>
            <td>${time(d.updatedAt)}</td>
            <td>${d.lastError ?? ''}</td>
            <td>
              <form class="inline" method="post" action="/admin/replay">
                ${csrf}<input type="hidden" name="id" value="${d.id}" /><button>Replay</button>
              </form>
            </td>
          </tr>`,
      )}
    </table>
    ${older('/admin/dead', ds, DEAD_PAGE)}`;
}

function refusedView(rs: StoredRefusal[]): SafeHtml {
  return html`<h2>Refused requests</h2>
    <table>
      <tr>
        <th>When</th>
        <th>Status</th>
        <th>Code</th>
        <th>Reason</th>
        <th>Path</th>
        <th>Body (redacted)</th>
      </tr>
      ${rs.map(
        (r) =>
          html`<tr>
            <td>${time(r.receivedAt)}</td>
            <td>${r.status}</td>
            <td>${r.code}</td>
            <td>${r.message}</td>
            <td>${r.path ?? ''}</td>
            <td><pre>${r.body ?? ''}</pre></td>
          </tr>`,
      )}
    </table>
    ${rs.length === 0 ? html`<p class="muted">Nothing refused.</p>` : ''}${older('/admin/refused', rs, REFUSED_PAGE)}`;
}

function routesView(config: NotifyConfig, subs: Subscription[], typeOf: (channel: string) => string): SafeHtml {
  const where = (r: Route) =>
    r.where
      ? Object.entries(r.where)
          .map(([k, c]) => `${k}: ${describeCondition(c)}`)
          .join('; ')
      : '';
  return html`<h2>Routes in force</h2>
    <p class="muted">Config: ${config.origin}</p>
    <table>
      <tr>
        <th>Source</th>
        <th>Channel</th>
        <th>Type</th>
        <th>Events</th>
        <th>Where</th>
        <th>Mentions</th>
      </tr>
      ${config.routes.map(
        (r) =>
          html`<tr>
            <td>file</td>
            <td>${r.channel}</td>
            <td>${config.channels[r.channel]?.type ?? ''}</td>
            <td>${r.events?.join(', ') ?? 'all'}</td>
            <td>${where(r)}</td>
            <td>${mentionsText(r.mention)}</td>
          </tr>`,
      )}
      ${subs.map(
        (s) =>
          html`<tr>
            <td>chat</td>
            <td>${s.channel}</td>
            <td>${typeOf(s.channel)}</td>
            <td>${s.events?.join(', ') ?? 'all'}</td>
            <td>${s.where.map(describeTerm).join(' ')}</td>
            <td>${mentionsText(s.mention)}</td>
          </tr>`,
      )}
    </table>`;
}

/** A route's mentions for a page: ids as typed, people by name and id. */
const mentionsText = (ms: Route['mention']) =>
  (ms ?? []).map((m) => (typeof m === 'string' ? m : `${m.name} (${m.id})`)).join(', ');

/**
 * Headers on every /admin response: no script may run (the pages have none), no site may
 * frame them, no MIME sniffing, no Referer (URLs carry event ids), nothing cached.
 */
async function securityHeaders(ctx: Context, next: Next) {
  await next();
  ctx.set({
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
}
