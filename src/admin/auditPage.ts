import type Router from '@koa/router';
import type { Context } from 'koa';
import { ACTION_NAMES } from '../actions/auditEntry.ts';
import type { AuditFilter } from '../domain/audit.ts';
import { auditCsv, exportHeader, readAuditExport, type AuditExport } from '../render/auditExport.ts';
import type { AdminDeps } from './AdminDeps.ts';
import type { AdminKit } from './adminKit.ts';
import { dateWindow } from './eventFilters.ts';
import { queryLines } from './queryLines.ts';
import { html, type SafeHtml } from './html.ts';
import { time } from './layout.ts';

/** Entries shown on the page; the CSV holds them all. */
const SHOWN = 1_000;

/**
 * The audit filters of a query string: `since` and `until` (a date, whole UTC days with `until`
 * inclusive, or an ISO time), `who` (an actor id or part of a name), `action`. A bad value
 * gives the reason.
 */
export function parseAuditFilters(
  q: Record<string, unknown>,
): { filters: AuditFilter; given: URLSearchParams } | { error: string } {
  const read = queryLines(q, ['since', 'until', 'who', 'action'] as const);
  if ('error' in read) return read;
  const { values: v, given } = read;
  const filters: AuditFilter = {};
  if (v.who !== undefined) filters.who = v.who;
  if (v.action !== undefined) {
    if (!(ACTION_NAMES as readonly string[]).includes(v.action))
      return { error: `action: unknown action "${v.action}" (actions: ${ACTION_NAMES.join(', ')})` };
    filters.action = v.action;
  }
  const window = dateWindow(v);
  if ('error' in window) return window;
  return { filters: { ...filters, ...window }, given };
}

/** `/admin/audit` (the entries matching the filters) and `/admin/audit.csv` (all of them, as the CLI's --csv). */
export function mountAuditPage(router: Router, deps: AdminDeps, kit: AdminKit): void {
  router.get('/admin/audit', kit.guard, (ctx) => auditPage(ctx, deps, kit, false));
  router.get('/admin/audit.csv', kit.guard, (ctx) => auditPage(ctx, deps, kit, true));
}

async function auditPage(ctx: Context, deps: AdminDeps, kit: AdminKit, csv: boolean): Promise<void> {
  const parsed = parseAuditFilters(ctx.query);
  if ('error' in parsed) {
    ctx.status = 400;
    return kit.send(ctx, 'Audit log', auditView(null, new URLSearchParams(), parsed.error));
  }
  const x = await readAuditExport((f) => deps.store.listAudit(f), parsed.filters, deps.clock());
  if (!csv) return kit.send(ctx, 'Audit log', auditView(x, parsed.given, null));
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('cache-control', 'no-store');
  ctx.set('Content-Disposition', 'attachment; filename="vcc-notify-audit.csv"');
  ctx.body = auditCsv(x);
}

function auditView(x: AuditExport | null, given: URLSearchParams, problem: string | null): SafeHtml {
  const v = (k: string) => given.get(k) ?? '';
  return html`<h2>Audit log</h2>
    <form method="get" action="/admin/audit">
      <label>Since <input name="since" value="${v('since')}" placeholder="2026-11-30" /></label>
      <label>Until <input name="until" value="${v('until')}" placeholder="2026-12-06" /></label>
      <label>Who <input name="who" value="${v('who')}" placeholder="U0123 or alice" /></label>
      <label
        >Action
        <select name="action">
          <option value="">every action</option>
          ${ACTION_NAMES.map((a) => (a === v('action') ? html`<option selected>${a}</option>` : html`<option>${a}</option>`))}
        </select></label
      >
      <button>Show</button>
    </form>
    ${problem ? html`<p class="s-dead">${problem}</p>` : ''} ${x ? entriesView(x, given) : ''}`;
}

function entriesView(x: AuditExport, given: URLSearchParams): SafeHtml {
  const shown = x.entries.slice(-SHOWN).reverse();
  return html`${exportHeader(x).map((l) => html`<p class="muted">${l}</p>`)}
    <p>
      <a href="/admin/audit.csv?${given.toString()}">Download CSV</a
      >${x.entries.length > SHOWN ? ` (the page shows the newest ${SHOWN})` : ''}
    </p>
    <table>
      <tr>
        <th>When</th>
        <th>Outcome</th>
        <th>Action</th>
        <th>Target</th>
        <th>Who</th>
        <th>Via</th>
        <th>Detail</th>
      </tr>
      ${shown.map(
        (e) =>
          html`<tr>
            <td>${time(e.at)}</td>
            <td class="${e.outcome === 'done' ? 's-sent' : 's-dead'}">${e.outcome}</td>
            <td>${e.action}</td>
            <td>${e.target ?? ''}</td>
            <td>
              ${e.actorName}${e.actorId && e.actorId !== e.actorName ? html` <span class="muted">${e.actorId}</span>` : ''}
            </td>
            <td>${[e.via, e.platform, e.address].filter(Boolean).join(' ')}</td>
            <td>${e.detail}</td>
          </tr>`,
      )}
    </table>`;
}
