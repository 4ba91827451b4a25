import { REVIEW_STATUSES, type Review } from '../domain/reviews.ts';
import type { ReviewFilter } from '../store/reviewSql.ts';
import { csvDocument } from './csvField.ts';
import { sanitizeLine } from './sanitize.ts';
import { readPages } from './readPages.ts';

/** The most reviews one export holds; past it, the export says so and asks for a narrower window. */
export const REVIEW_EXPORT_MAX = 100_000;

export interface ReviewExport {
  madeAt: number;
  filters: ReviewFilter;
  reviews: Review[];
  more: boolean;
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/** How many of each status the export holds: `pending 2, expected 5, not-expected 1`. */
export function countsText(reviews: readonly Review[]): string {
  return REVIEW_STATUSES.map((s) => `${s} ${reviews.filter((r) => r.status === s).length}`).join(', ');
}

/** What every export starts with: when it was made, its filters, and the count per status. */
export function reviewHeader(x: ReviewExport): string[] {
  const f = x.filters;
  const filters = [
    f.status ? `status=${f.status}` : '',
    f.channel ? `channel=${sanitizeLine(f.channel)}` : '',
    f.since !== undefined ? `since=${iso(f.since)}` : '',
    f.until !== undefined ? `until=${iso(f.until)}` : '',
  ].filter(Boolean);
  return [
    `vcc-notify reviews export made ${iso(x.madeAt)}`,
    `filters: ${filters.length ? filters.join(' ') : 'none'}`,
    `reviews: ${x.reviews.length} (${countsText(x.reviews)})${x.more ? ` (the first ${REVIEW_EXPORT_MAX}: more match; narrow with since/until)` : ''}`,
  ];
}

export const REVIEW_CSV_COLUMNS = [
  'review_id',
  'event_id',
  'vcc_user_id',
  'vcc_username',
  'what_changed',
  'channel',
  'asked_at',
  'status',
  'decided_by_platform',
  'decided_by_id',
  'decided_by_name',
  'decided_at',
  'reason',
  'reminders_sent',
  'escalated_at',
] as const;

const cells = (r: Review) => [
  r.id,
  r.eventId,
  r.userId,
  r.username,
  r.what.join('; '),
  r.channel,
  iso(r.askedAt),
  r.status,
  r.decidedBy?.platform ?? '',
  r.decidedBy?.id ?? '',
  r.decidedBy?.name ?? '',
  iso(r.decidedAt),
  r.reason,
  r.remindersSent,
  iso(r.escalatedAt),
];

/** The export as CSV: the header as `#` lines, the columns, one line per review. */
export function reviewsCsv(x: ReviewExport): string {
  return csvDocument(reviewHeader(x), REVIEW_CSV_COLUMNS, x.reviews.map(cells));
}

/** The export as JSON: `madeAt`, `filters`, `count`, `counts` per status, `more`, `reviews`. */
export function reviewsJson(x: ReviewExport): string {
  const counts = Object.fromEntries(REVIEW_STATUSES.map((s) => [s, x.reviews.filter((r) => r.status === s).length]));
  const { madeAt, filters, more, reviews } = x;
  return JSON.stringify({ madeAt: iso(madeAt), filters, count: reviews.length, counts, more, reviews }, null, 2);
}

/** One review as one line for people (the CLI's default output). */
export function reviewLineText(r: Review): string {
  const decided = r.decidedBy
    ? ` by ${r.decidedBy.name}${r.decidedBy.id ? ` (${r.decidedBy.id})` : ''} at ${iso(r.decidedAt)}`
    : '';
  const why = r.reason ? `: "${r.reason}"` : '';
  return sanitizeLine(
    `#${r.id}  ${iso(r.askedAt)}  ${r.status.padEnd(12)}  ${r.channel}  ${r.username ?? r.userId ?? '-'} (event #${r.eventId})${decided}${why}  [${r.what.join('; ')}]`,
  );
}

/** Every review matching `f` (pages of 1,000, oldest first), at most REVIEW_EXPORT_MAX. */
export async function readReviewExport(
  list: (f: ReviewFilter & { afterId?: number; limit: number }) => Promise<Review[]>,
  filters: ReviewFilter,
  madeAt: number,
): Promise<ReviewExport> {
  const { rows, more } = await readPages(list, filters, REVIEW_EXPORT_MAX);
  return { madeAt, filters, reviews: rows, more };
}
