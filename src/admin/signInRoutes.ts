import type Router from '@koa/router';
import type { Context } from 'koa';
import { adminActor } from '../actions/Actor.ts';
import { SESSION_COOKIE, TOKEN_HOLDER, sessionActor } from './auth.ts';
import type { AdminKit } from './adminKit.ts';
import type { AdminDeps } from './AdminDeps.ts';
import type { SignInAudit } from './signInAudit.ts';
import type { OidcSignIn } from './oidcSignIn.ts';
import { html } from './html.ts';
import { page, time } from './layout.ts';
import type { AdminSession, NewSession } from '../store/Store.ts';

const SESSIONS_SHOWN = 200;

/** Where a sign-in returns to: an admin page, never another site. */
const backTo = (v: unknown) =>
  typeof v === 'string' && /^\/admin(\/[^\s\\]*)?$/.test(v) && !v.startsWith('//') ? v : '/admin';

/**
 * Signing in and out: the identity provider (`/admin/login/oidc` there, `/admin/callback`
 * back), the token form (break-glass), logout (ends the session on every instance), and
 * `/admin/sessions` (who is signed in; an operator ends a session). Every sign-in, refused
 * sign-in and sign-out is on the record.
 */
export function mountSignIn(
  router: Router,
  deps: AdminDeps,
  kit: AdminKit,
  signIns: SignInAudit,
  oidc: OidcSignIn | null,
) {
  router.get('/admin/login', (ctx) => kit.loginForm(ctx, undefined, 200));
  router.post('/admin/login', (ctx) => tokenLogin(ctx, deps, kit, signIns));
  router.post('/admin/logout', async (ctx) => {
    const user = await kit.auth.user(ctx);
    if (user && user !== 'bad-bearer' && user.sessionId)
      await deps.actions.endSession(user.actor, { sessionId: user.sessionId });
    ctx.cookies.set(SESSION_COOKIE, '', { path: '/admin', maxAge: 0, secure: ctx.secure });
    ctx.redirect('/admin/login');
    ctx.status = 303;
  });
  if (oidc) {
    router.get('/admin/login/oidc', async (ctx) => {
      const url = await oidc.begin(backTo(ctx.query.back));
      if (url instanceof URL) return void ctx.redirect(url.href);
      await signIns.failed(adminActor('page', ctx.ip), url.reason);
      kit.loginForm(ctx, url.page, 503);
    });
    router.get('/admin/callback', async (ctx) => {
      const done = await oidc.finish(new URL(ctx.originalUrl, 'http://callback.invalid'));
      if ('reason' in done) {
        await signIns.failed(adminActor('page', ctx.ip), done.reason);
        return kit.loginForm(ctx, done.page, done.down ? 503 : 403);
      }
      const p = done.person;
      const who = { via: 'oidc', role: p.role, subject: p.subject, email: p.email, name: p.name } as const;
      await startSession(ctx, deps, { ...who, address: ctx.ip, createdAt: deps.clock() }, done.back);
    });
  }
  router.get('/admin/sessions', kit.guard, async (ctx) => {
    const live = await deps.store.listSessions(deps.clock() - deps.signIn.idleMs, SESSIONS_SHOWN);
    const mine = kit.user(ctx).session?.id ?? null;
    kit.send(ctx, 'Sessions', sessionsView(live, mine, kit.user(ctx).role === 'operator' ? kit.csrfField(ctx) : null));
  });
  router.post('/admin/sessions/end', kit.guard, kit.operator('session.end'), async (ctx) => {
    const f = await kit.form(ctx);
    if (!f || !kit.csrfOk(ctx, f)) return;
    const id = Number(f.get('id'));
    if (Number.isSafeInteger(id) && id > 0) await deps.actions.endSession(kit.actor(ctx), { id });
    ctx.redirect('/admin/sessions');
    ctx.status = 303;
  });
}

async function tokenLogin(ctx: Context, deps: AdminDeps, kit: AdminKit, signIns: SignInAudit): Promise<void> {
  const wait = kit.auth.blockedFor(ctx.ip);
  if (wait > 0) {
    deps.log.warn({ ip: ctx.ip }, 'admin login refused: too many wrong tokens from this address');
    return kit.tooMany(ctx, wait);
  }
  const f = await kit.form(ctx);
  if (!f) return;
  if (!kit.auth.hasToken || !kit.auth.tokenMatches(f.get('token') ?? '', ctx.ip)) {
    deps.log.warn({ ip: ctx.ip }, 'admin login failed: wrong token');
    await signIns.failed(adminActor('page', ctx.ip), 'wrong token');
    return kit.loginForm(ctx, 'Wrong token.');
  }
  const holder = { via: 'token', role: 'operator', subject: null, email: null, name: TOKEN_HOLDER.name } as const;
  await startSession(ctx, deps, { ...holder, address: ctx.ip, createdAt: deps.clock() }, backTo(f.get('back')));
}

/**
 * A new session (in the store, on the record) and its cookie, then on to `back`. The cookie
 * is SameSite=Strict, which a browser leaves off a redirect that a provider's page started:
 * after the provider, a page moves on itself (a same-site navigation), so the first page has it.
 */
async function startSession(ctx: Context, deps: AdminDeps, s: NewSession, back: string): Promise<void> {
  const actor = sessionActor(s, ctx.ip);
  const id = await deps.actions.signIn(actor, s);
  deps.log.info({ ip: ctx.ip, via: s.via, role: s.role }, 'admin sign-in');
  ctx.cookies.set(SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path: '/admin',
    maxAge: deps.signIn.idleMs,
    overwrite: true,
  });
  if (s.via === 'token') {
    // The form was posted from this site: the redirect carries the new cookie.
    ctx.redirect(back);
    ctx.status = 303;
    return;
  }
  ctx.type = 'html';
  ctx.body = page(
    'Signed in',
    html`<meta http-equiv="refresh" content="0;url=${back}" />
      <div class="login">
        <p>Signed in as ${s.name} (${s.role}). <a href="${back}">Continue</a></p>
      </div>`,
    false,
  );
}

function sessionsView(live: AdminSession[], mine: number | null, csrf: ReturnType<AdminKit['csrfField']> | null) {
  return html`<h2>Sessions</h2>
    <p class="muted">
      Signed in now (not ended, used within the idle limit). Ending one signs it out on every instance.
    </p>
    <table>
      <tr>
        <th>#</th>
        <th>Who</th>
        <th>Role</th>
        <th>How</th>
        <th>From</th>
        <th>Signed in</th>
        <th>Last seen</th>
        <th></th>
      </tr>
      ${live.map(
        (s) =>
          html`<tr>
            <td>${s.id}</td>
            <td>
              ${s.name}${s.email && s.email !== s.name ? html` <span class="muted">${s.email}</span>` : ''}${s.id === mine ? html` <b>(you)</b>` : ''}
            </td>
            <td>${s.role}</td>
            <td>${s.via === 'oidc' ? 'identity provider' : 'ADMIN_TOKEN'}</td>
            <td>${s.address ?? ''}</td>
            <td>${time(s.createdAt)}</td>
            <td>${time(s.lastSeenAt)}</td>
            <td>
              ${csrf ? html`<form class="inline" method="post" action="/admin/sessions/end">${csrf}<input type="hidden" name="id" value="${s.id}" /><button>End</button></form>` : ''}
            </td>
          </tr>`,
      )}
    </table>`;
}
