import type { Context } from 'koa';
import { shownStatus, type Delivery, type DeliveryStatus, type StoredEvent } from '../store/Store.ts';
import type { ChannelConfig } from '../config/NotifyConfig.ts';
import type { Message } from '../render/Message.ts';
import { PREVIEW_CSS, payloadFor, platformOf } from '../platforms/registry.ts';
import { html, SafeHtml } from './html.ts';

// The admin pages' frame and the pieces several pages show.

/** Each delivery status's colour (`.s-STATUS`): a new status fails to compile until it has one. */
const STATUS_COLOURS = {
  pending: '#9a6700',
  sent: '#1a7f37',
  dead: '#cf222e',
  muted: '#8250df',
} as const satisfies Record<DeliveryStatus, string>;
const STATUS_CSS = Object.entries(STATUS_COLOURS)
  .map(([s, c]) => `.s-${s}{color:${c}}`)
  .join('');

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:10px 20px;display:flex;gap:18px;align-items:center}
header a{color:#fff;text-decoration:none}header b{margin-right:12px}
main{padding:16px 20px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e3e6ea;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}.muted{color:#6a737d}${STATUS_CSS}
.badge{display:inline-block;border-radius:10px;padding:0 7px;margin:1px;font-size:12px;background:#eef1f4}
.previews{display:flex;flex-wrap:wrap;gap:16px}.preview{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px;width:360px}
${PREVIEW_CSS}
.preview h4{margin:0 0 6px}.preview .facts{font-size:13px}.preview ul{margin:6px 0;padding-left:18px}
form.inline{display:inline}button{cursor:pointer}pre{white-space:pre-wrap;word-break:break-all;background:#fff;padding:6px;margin:0}
.login{max-width:360px;margin:60px auto;background:#fff;padding:24px;border-radius:8px;border:1px solid #d0d7de}`;

export function page(title: string, body: SafeHtml, nav = true): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · vcc-notify</title>
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        ${
          nav
            ? html`<header>
                <b>vcc-notify</b><a href="/admin">Events</a><a href="/admin/dead">Dead deliveries</a
                ><a href="/admin/mutes">Mutes</a><a href="/admin/refused">Refused requests</a
                ><a href="/admin/routes">Routes</a><a href="/admin/reviews">Reviews</a
                ><a href="/admin/audit">Audit log</a><a href="/admin/sessions">Sessions</a>
                <form class="inline" method="post" action="/admin/logout" style="margin-left:auto">
                  <button>Log out</button>
                </form>
              </header>`
            : ''
        }
        <main>${body}</main>
      </body>
    </html>`.value;
}

export const time = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
export const who = (e: StoredEvent) => `${e.new.name ?? '(no name)'}${e.new.username ? ` (${e.new.username})` : ''}`;
/** A delivery's status, `held` for one waiting out quiet hours (its reason is its last error). */
export const status = (d: Delivery) => html`<span class="s-${d.status}">${shownStatus(d)}</span>`;

/**
 * How a channel would show a message: the neutral text laid out, and the exact body its
 * adapter would post (built by the same function), folded.
 */
export function preview(name: string, ch: ChannelConfig, m: Message): SafeHtml {
  const t = platformOf(ch.type).target;
  return html`<div class="preview t-${t}" data-channel="${name}">
    <div class="muted">${name} · ${ch.type} · ${m.severity}</div>
    <h4>${m.title}</h4>
    <div>${m.summary}</div>
    ${m.facts.length ? html`<div class="facts">${m.facts.map((f) => html`<div><b>${f.label}:</b> ${f.value}</div>`)}</div>` : ''}
    ${
      m.lines.length
        ? html`<ul>
            ${m.lines.map((l) => html`<li>${l}</li>`)}
          </ul>`
        : ''
    }
    <details>
      <summary>What ${ch.type} receives</summary>
      <pre>${JSON.stringify(payloadFor(ch, m), null, 2)}</pre>
    </details>
  </div>`;
}

// Lists page back by id (keyset), so new rows never shift a page.

/** The `before` query parameter: the last id of the previous page, or none. */
export function before(ctx: Context): number | undefined {
  const n = Number(ctx.query.before);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A link to the next, older page when this one is full. */
export function older(path: string, rows: ReadonlyArray<{ id: number }>, page: number): SafeHtml | string {
  return rows.length === page ? olderFrom(path, rows[rows.length - 1]!.id) : '';
}

/** A link to the page of rows before `next` (keeping `query`), or nothing when there is none. */
export function olderFrom(
  path: string,
  next: number | null,
  query: URLSearchParams = new URLSearchParams(),
): SafeHtml | string {
  if (next === null) return '';
  const q = new URLSearchParams(query);
  q.set('before', String(next));
  return html`<p><a class="older" href="${path}?${q.toString()}">Older →</a></p>`;
}
