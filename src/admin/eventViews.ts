import { changeText } from '../render/changeText.ts';
import type { Labels } from '../render/labels.ts';
import { EVENT_KINDS } from '../vcc/changes.ts';
import type { Delivery, StoredEvent, ThreadRoot } from '../store/Store.ts';
import { threadRoleText, threadText } from '../render/threadText.ts';
import { html, SafeHtml } from './html.ts';
import { olderFrom, status, time, who } from './layout.ts';

// The event pages' views: HTML from what their handlers read (eventPages.ts). Wage values
// stay hidden on every one of them.

const changeLines = (e: StoredEvent, labels: Labels) =>
  e.changes.map((c) => html`<div>${changeText(c, labels, { showWages: false })}</div>`);
const userLink = (e: StoredEvent) =>
  e.userId ? html`<a href="/admin/users/${encodeURIComponent(e.userId)}">${who(e)}</a>` : who(e);

/** Rows of events with their deliveries, newest first. */
export function eventsTable(
  events: readonly StoredEvent[],
  deliveries: Map<number, Delivery[]>,
  labels: Labels,
): SafeHtml {
  return html`<table>
      <tr>
        <th>Event</th>
        <th>Received</th>
        <th>User</th>
        <th>Kinds</th>
        <th>Changes</th>
        <th>Deliveries</th>
      </tr>
      ${events.map(
        (e) =>
          html`<tr>
            <td><a href="/admin/events/${e.id}">#${e.id}</a></td>
            <td>${time(e.receivedAt)}</td>
            <td>${userLink(e)}</td>
            <td>${e.kinds.map((k) => html`<span class="badge">${k}</span>`)}</td>
            <td>${changeLines(e, labels)}</td>
            <td>${(deliveries.get(e.id) ?? []).map((d) => html`<div>${d.channel}: ${status(d)}</div>`)}</td>
          </tr>`,
      )}
    </table>
    ${events.length === 0 ? html`<p class="muted">No events.</p>` : ''}`;
}

/** The events page: the search form (filled with what was asked) over a page of events. */
export function searchView(given: URLSearchParams, table: SafeHtml, next: number | null): SafeHtml {
  const v = (k: string) => given.get(k) ?? '';
  return html`<h2>${given.size ? 'Events found' : 'Recent events'}</h2>
    <form method="get" action="/admin" class="search">
      <input name="q" placeholder="user id, username, email or name" value="${v('q')}" size="32" />
      <select name="kind">
        <option value="">any kind</option>
        ${EVENT_KINDS.map((k) => html`<option value="${k}" ${new SafeHtml(v('kind') === k ? ' selected' : '')}>${k}</option>`)}
      </select>
      <label>since <input name="since" type="date" value="${v('since')}" /></label>
      <label>until <input name="until" type="date" value="${v('until')}" /></label> <button>Search</button>
      <a href="/admin/events.csv?${given.toString()}">CSV of these events</a>
    </form>
    ${table}${olderFrom('/admin', next, given)}`;
}

/** One VCC user's timeline. */
export function userView(
  user: string,
  latest: StoredEvent | undefined,
  table: SafeHtml,
  next: number | null,
): SafeHtml {
  return html`<h2>User ${user}${latest ? html`: ${who(latest)}` : ''}</h2>
    <p class="muted">
      Every stored event for this VCC user id, newest first.
      <a href="/admin/events.csv?user=${encodeURIComponent(user)}">CSV</a>
    </p>
    ${table}${olderFrom(`/admin/users/${encodeURIComponent(user)}`, next)}`;
}

/** One event: its changes, its deliveries (replay for dead ones), a preview per channel. */
export function eventView(
  e: StoredEvent,
  ds: Delivery[],
  previews: SafeHtml[],
  resent: string | null,
  csrf: SafeHtml,
  labels: Labels,
  threads: readonly ThreadRoot[],
): SafeHtml {
  const replay = (d: Delivery) =>
    d.status === 'dead'
      ? html`<form class="inline" method="post" action="/admin/replay">
          ${csrf}<input type="hidden" name="id" value="${d.id}" /><input
            type="hidden"
            name="back"
            value="/admin/events/${e.id}"
          /><button>Replay</button>
        </form>`
      : '';
  return html`<h2>Event #${e.id}: ${who(e)}</h2>
    ${resent ? html`<p class="s-sent">Queued for ${resent}; the worker sends it now.</p>` : ''}
    <p class="muted">
      Received ${time(e.receivedAt)} · VCC timestamp ${e.vccTimestamp ?? 'none'} · user id
      ${e.userId ? html`<a href="/admin/users/${encodeURIComponent(e.userId)}">${e.userId}</a>` : 'none'}
    </p>
    <h3>Changes</h3>
    <ul>
      ${e.changes.map((c) => html`<li>${c.field ? `${c.kind}: ` : ''}${changeText(c, labels, { showWages: false })}</li>`)}
    </ul>
    <h3>Deliveries</h3>
    ${deliveriesTable(ds, replay)}
    ${
      threads.length
        ? html`<h3>This agent's threads</h3>
            <ul>
              ${threads.map((r) => html`<li>${r.channel}: ${threadText(r)}</li>`)}
            </ul>`
        : ''
    }
    <h3>Preview in each channel</h3>
    <div class="previews">${previews}</div>`;
}

/** An event's deliveries: channel, status, attempts, last error, where it went (threads), and an action. */
const deliveriesTable = (ds: Delivery[], action: (d: Delivery) => SafeHtml | string) =>
  html`<table>
    <tr>
      <th>Channel</th>
      <th>Status</th>
      <th>Attempts</th>
      <th>Last error or reason</th>
      <th>Went to</th>
      <th></th>
    </tr>
    ${ds.map(
      (d) =>
        html`<tr>
          <td>${d.channel}</td>
          <td>${status(d)}</td>
          <td>${d.attempts}</td>
          <td>${d.lastError ?? ''}</td>
          <td>${threadRoleText(d)}</td>
          <td>${action(d)}</td>
        </tr>`,
    )}
  </table>`;

/** The resend button under a channel's preview (POST, CSRF-checked). */
export const resendButton = (eventId: number, channel: string, csrf: SafeHtml) =>
  html`<form class="inline" method="post" action="/admin/events/${eventId}/resend">
    ${csrf}<input type="hidden" name="channel" value="${channel}" /><button>Resend to ${channel}</button>
  </form>`;
