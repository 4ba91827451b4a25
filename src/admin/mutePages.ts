import type Router from '@koa/router';
import type { Context } from 'koa';
import { count } from '../render/plural.ts';
import { describeTerm } from '../routing/conditions.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { kindsNamed, muteDuration, whereTerms } from '../chat/grammar.ts';
import type { Mute } from '../store/Store.ts';
import type { MuteRequest } from '../actions/muteActions.ts';
import type { AdminDeps } from './AdminDeps.ts';
import type { AdminKit } from './adminKit.ts';
import { html, type SafeHtml } from './html.ts';
import { time } from './layout.ts';

const RECENT = 50;

/** `/admin/mutes`: the mutes in force and recent ones, a form to add one, expire buttons (POST, CSRF-checked). */
export function mountMutePages(router: Router, deps: AdminDeps, kit: AdminKit): void {
  router.get('/admin/mutes', kit.guard, (ctx) => mutesPage(ctx, deps, kit, null));
  router.post('/admin/mutes', kit.guard, kit.operator('mute.add'), async (ctx) => {
    const f = await kit.form(ctx);
    if (!f || !kit.csrfOk(ctx, f)) return;
    const asked = muteFromForm(f);
    const made =
      typeof asked === 'string'
        ? await deps.actions.refuse(kit.actor(ctx), 'mute.add', null, asked)
        : await deps.actions.addMute(kit.actor(ctx), asked);
    if (!made.ok) {
      ctx.status = 400;
      return mutesPage(ctx, deps, kit, made.reason);
    }
    deps.log.info(
      { mute: made.id, channel: typeof asked === 'string' ? null : asked.channel },
      'mute added from the admin page',
    );
    ctx.redirect(`/admin/mutes?added=${made.id}`);
    ctx.status = 303;
  });
  router.post('/admin/mutes/expire', kit.guard, kit.operator('mute.expire'), async (ctx) => {
    const f = await kit.form(ctx);
    if (!f || !kit.csrfOk(ctx, f)) return;
    const id = Number(f.get('id'));
    ctx.status = 303;
    if (!Number.isSafeInteger(id) || id <= 0) return ctx.redirect('/admin/mutes');
    const send = f.get('send') === '1';
    const actor = kit.actor(ctx);
    const inForce = (await deps.store.listMutes({ activeAt: deps.clock() })).some((m) => m.id === id);
    // Sending what it held: once the mute is over (ended now, or before), never while it holds.
    const r = inForce
      ? await deps.actions.expireMute(actor, id, { send })
      : send
        ? await deps.actions.sendHeld(actor, id)
        : null;
    const ended = inForce && r?.ok === true;
    const sent = r?.ok && send ? ('sent' in r ? r.sent : null) : null;
    deps.log.info({ mute: id, ended, sent }, 'mute ended from the admin page');
    ctx.redirect(`/admin/mutes?${ended ? `ended=${id}` : `of=${id}`}${sent === null ? '' : `&sent=${sent}`}`);
  });
}

async function mutesPage(ctx: Context, deps: AdminDeps, kit: AdminKit, problem: string | null): Promise<void> {
  const now = deps.clock();
  const [active, recent] = await Promise.all([
    deps.store.listMutes({ activeAt: now }),
    deps.store.listMutes({ limit: RECENT }),
  ]);
  const note = ctx.query.added ? `Mute #${Number(ctx.query.added)} added.` : endedNote(ctx.query);
  const channels = Object.keys(deps.config().channels);
  kit.send(
    ctx,
    'Mutes',
    mutesView(
      active,
      recent.filter((m) => m.endsAt <= now),
      channels,
      kit.csrfField(ctx),
      note,
      problem,
    ),
  );
}

/** A mute from the add form, or what is wrong with it (one line); the action checks the channel. */
function muteFromForm(f: URLSearchParams): MuteRequest | string {
  const channel = f.get('channel') || null;
  const ms = muteDuration(f.get('for') ?? '');
  if (ms === null) return 'duration: write 90m, 2h or 1d (at most 90d)';
  const kinds = kindsNamed((f.get('kinds') ?? '').split(/[\s,]+/).filter(Boolean));
  if (typeof kinds === 'string') return kinds;
  const where = whereTerms((f.get('where') ?? '').split(/\s+/).filter(Boolean));
  if (typeof where === 'string') return where;
  const comment = sanitizeLine(f.get('comment') ?? '').trim();
  if (comment === '' || comment.length > 500) return 'comment: say why (1 to 500 characters)';
  return { channel, kinds, where, comment, ms };
}

const what = (m: Mute) =>
  [
    m.channel ?? 'every channel',
    m.kinds?.join(', ') ?? 'every kind',
    ...(m.where.length ? [`where ${m.where.map(describeTerm).join(' ')}`] : []),
  ].join(' · ');

function mutesView(
  active: Mute[],
  ended: Mute[],
  channels: string[],
  csrf: SafeHtml,
  note: string | null,
  problem: string | null,
): SafeHtml {
  const row = (m: Mute, action: SafeHtml | string) =>
    html`<tr>
      <td>#${m.id}</td>
      <td>${what(m)}</td>
      <td>${time(m.startsAt)}</td>
      <td>${time(m.endsAt)}</td>
      <td>${m.createdBy}</td>
      <td>${m.comment}</td>
      <td>${action}</td>
    </tr>`;
  const expire = (m: Mute, send: boolean, label: string) =>
    html`<form class="inline" method="post" action="/admin/mutes/expire">
      ${csrf}<input type="hidden" name="id" value="${m.id}" />${
        send ? html`<input type="hidden" name="send" value="1" />` : ''
      }<button>${label}</button>
    </form>`;
  const ending = (m: Mute) => html`${expire(m, false, 'End now')} ${expire(m, true, 'End and send what it held')}`;
  const head = html`<tr>
    <th>Mute</th>
    <th>Holds</th>
    <th>From</th>
    <th>Until</th>
    <th>By</th>
    <th>Why</th>
    <th></th>
  </tr>`;
  return html`<h2>Mutes</h2>
    ${note ? html`<p class="s-sent">${note}</p>` : ''}
    ${problem ? html`<p class="s-dead">Not added: ${problem}.</p>` : ''}
    <h3>In force</h3>
    ${
      active.length
        ? html`<table>
            ${head}${active.map((m) => row(m, ending(m)))}
          </table>`
        : html`<p class="muted">No mutes in force.</p>`
    }
    ${addForm(channels, csrf)}
    <h3>Ended</h3>
    ${
      ended.length
        ? html`<table>
            ${head}${ended.map((m) => row(m, expire(m, true, 'Send what it held')))}
          </table>`
        : html`<p class="muted">None.</p>`
    }`;
}

const addForm = (channels: string[], csrf: SafeHtml) =>
  html`<h3>Add a mute</h3>
    <form method="post" action="/admin/mutes">
      ${csrf}
      <label
        >Channel
        <select name="channel">
          <option value="">every channel</option>
          ${channels.map((c) => html`<option>${c}</option>`)}
        </select></label
      >
      <label>Kinds <input name="kinds" placeholder="created role (none: every kind)" /></label>
      <label>Where <input name="where" placeholder="username~^import_ privGroup=4,5" /></label>
      <label>For <input name="for" placeholder="2h" required /></label>
      <label>Why <input name="comment" placeholder="bulk import" required /></label>
      <button>Add</button>
    </form>`;

/** The note after ending a mute (`ended`) or sending what an ended one held (`of`), with `sent`. */
function endedNote(q: Record<string, unknown>): string | null {
  const id = Number(q.ended ?? q.of);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const sent = q.sent === undefined ? null : Number(q.sent);
  const what =
    sent === null
      ? ''
      : sent === 0
        ? ' It held nothing unsent.'
        : ` ${count(sent, 'change', 'changes')} it held queued to send, once.`;
  return `${q.ended !== undefined ? `Mute #${id} ended.` : `Mute #${id}.`}${what}`;
}
