import type Router from '@koa/router';
import type { Context } from 'koa';
import { REVIEW_STATUSES } from '../domain/reviews.ts';
import type { ReviewFilter } from '../store/Store.ts';
import { readReviewExport, reviewHeader, reviewsCsv, type ReviewExport } from '../render/reviewExport.ts';
import type { AdminDeps } from './AdminDeps.ts';
import type { AdminKit } from './adminKit.ts';
import { dateWindow } from './eventFilters.ts';
import { queryLines } from './queryLines.ts';
import { html, type SafeHtml } from './html.ts';
import { time } from './layout.ts';

const STATUSES = [...REVIEW_STATUSES, 'overdue'] as const;
/** Reviews shown on the page (newest first); the CSV holds them all. */
const SHOWN = 1_000;

/** The review filters of a query string (`status`, `channel`, `since`, `until`), or why one is wrong. */
export function parseReviewFilters(
  q: Record<string, unknown>,
): { filters: ReviewFilter; given: URLSearchParams } | { error: string } {
  const read = queryLines(q, ['status', 'channel', 'since', 'until'] as const);
  if ('error' in read) return read;
  const { values: v, given } = read;
  const filters: ReviewFilter = {};
  if (v.status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(v.status)) return { error: `status: one of ${STATUSES.join(', ')}` };
    filters.status = v.status as ReviewFilter['status'];
  }
  if (v.channel !== undefined) filters.channel = v.channel;
  const window = dateWindow(v);
  if ('error' in window) return window;
  return { filters: { ...filters, ...window }, given };
}

/** `/admin/reviews` (the requests matching the filters) and `/admin/reviews.csv` (all of them, as the CLI's --csv). */
export function mountReviewsPage(router: Router, deps: AdminDeps, kit: AdminKit): void {
  const show = async (ctx: Context, csv: boolean) => {
    const parsed = parseReviewFilters(ctx.query);
    if ('error' in parsed) {
      ctx.status = 400;
      return kit.send(ctx, 'Reviews', reviewsView(null, new URLSearchParams(), parsed.error));
    }
    const x = await readReviewExport((f) => deps.store.listReviews(f), parsed.filters, deps.clock());
    if (!csv) return kit.send(ctx, 'Reviews', reviewsView(x, parsed.given, null));
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('cache-control', 'no-store');
    ctx.set('Content-Disposition', 'attachment; filename="vcc-notify-reviews.csv"');
    ctx.body = reviewsCsv(x);
  };
  router.get('/admin/reviews', kit.guard, (ctx) => show(ctx, false));
  router.get('/admin/reviews.csv', kit.guard, (ctx) => show(ctx, true));
}

function reviewsView(x: ReviewExport | null, given: URLSearchParams, problem: string | null): SafeHtml {
  const v = (k: string) => given.get(k) ?? '';
  return html`<h2>Reviews</h2>
    <form method="get" action="/admin/reviews">
      <label
        >Status
        <select name="status">
          <option value="">every status</option>
          ${STATUSES.map((s) => (s === v('status') ? html`<option selected>${s}</option>` : html`<option>${s}</option>`))}
        </select></label
      >
      <label>Channel <input name="channel" value="${v('channel')}" /></label>
      <label>Since <input name="since" value="${v('since')}" placeholder="2026-11-30" /></label>
      <label>Until <input name="until" value="${v('until')}" placeholder="2026-12-06" /></label>
      <button>Show</button>
    </form>
    ${problem ? html`<p class="s-dead">${problem}</p>` : ''}
    ${
      x
        ? html`${reviewHeader(x).map((l) => html`<p class="muted">${l}</p>`)}
            <p><a href="/admin/reviews.csv?${given.toString()}">Download CSV</a></p>
            <table>
              <tr>
                <th>Review</th>
                <th>Asked</th>
                <th>Status</th>
                <th>Channel</th>
                <th>User</th>
                <th>What changed</th>
                <th>Decided by</th>
                <th>Reason</th>
              </tr>
              ${x.reviews
                .slice(-SHOWN)
                .reverse()
                .map(
                  (r) =>
                    html`<tr>
                      <td><a href="/admin/reviews/${r.id}">#${r.id}</a></td>
                      <td>${time(r.askedAt)}</td>
                      <td class="${r.status === 'not-expected' ? 's-dead' : r.status === 'expected' ? 's-sent' : ''}">
                        ${r.status}
                      </td>
                      <td>${r.channel}</td>
                      <td>${r.username ?? r.userId ?? ''}</td>
                      <td>${r.what.join('; ')}</td>
                      <td>
                        ${r.decidedBy ? `${r.decidedBy.name} (${r.decidedBy.platform ?? ''} ${r.decidedBy.id ?? ''})` : ''}${r.decidedAt === null ? '' : html` <span class="muted">${time(r.decidedAt)}</span>`}
                      </td>
                      <td>${r.reason ?? ''}</td>
                    </tr>`,
                )}
            </table>`
        : ''
    }`;
}
