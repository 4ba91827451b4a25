import type { AuditFilter, StoredAudit } from '../domain/audit.ts';
import { csvDocument } from './csvField.ts';
import { sanitizeLine } from './sanitize.ts';
import { readPages } from './readPages.ts';

/** The most entries one export holds; past it, the export says so and asks for a narrower window. */
export const AUDIT_EXPORT_MAX = 100_000;

/** An export: when it was made, with which filters, and the entries (`more`: there were more than it holds). */
export interface AuditExport {
  madeAt: number;
  filters: AuditFilter;
  entries: StoredAudit[];
  more: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The filters as people read them: `since=... who=...`, or `none`. */
export function filtersText(f: AuditFilter): string {
  const parts = [
    f.since !== undefined ? `since=${iso(f.since)}` : '',
    f.until !== undefined ? `until=${iso(f.until)}` : '',
    f.who !== undefined ? `who=${sanitizeLine(f.who)}` : '',
    f.action !== undefined ? `action=${sanitizeLine(f.action)}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : 'none';
}

/** What every export starts with: when it was made, its filters, how many entries it holds. */
export function exportHeader(x: AuditExport): string[] {
  return [
    `vcc-notify audit export made ${iso(x.madeAt)}`,
    `filters: ${filtersText(x.filters)}`,
    `entries: ${x.entries.length}${x.more ? ` (the first ${AUDIT_EXPORT_MAX}: more match; narrow with since/until)` : ''}`,
  ];
}

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'via',
  'platform',
  'actor_id',
  'actor',
  'action',
  'target',
  'address',
  'outcome',
  'detail',
] as const;

const cells = (e: StoredAudit) => [
  e.id,
  iso(e.at),
  e.via,
  e.platform,
  e.actorId,
  e.actorName,
  e.action,
  e.target,
  e.address,
  e.outcome,
  e.detail,
];

/** The export as CSV: the header as `#` lines, then the columns, then one line per entry. */
export function auditCsv(x: AuditExport): string {
  return csvDocument(exportHeader(x), AUDIT_CSV_COLUMNS, x.entries.map(cells));
}

/** The export as JSON: `madeAt`, `filters`, `count`, `more`, `entries`. */
export function auditJson(x: AuditExport): string {
  return JSON.stringify(
    { madeAt: iso(x.madeAt), filters: x.filters, count: x.entries.length, more: x.more, entries: x.entries },
    null,
    2,
  );
}

/** One entry as one line for people (the CLI's default output). */
export function auditLine(e: StoredAudit): string {
  const who = `${e.actorName}${e.actorId && e.actorId !== e.actorName ? ` (${e.actorId})` : ''}`;
  const where = [e.via, e.platform, e.address].filter(Boolean).join(' ');
  return sanitizeLine(
    `${iso(e.at)}  ${e.outcome.padEnd(7)}  ${e.action}  ${e.target ?? '-'}  by ${who} via ${where}: ${e.detail}`,
  );
}

/** Reads every entry matching `f` (pages of 1,000, oldest first), at most AUDIT_EXPORT_MAX. */
export async function readAuditExport(
  list: (f: AuditFilter & { afterId?: number; limit: number }) => Promise<StoredAudit[]>,
  filters: AuditFilter,
  madeAt: number,
): Promise<AuditExport> {
  const { rows, more } = await readPages(list, filters, AUDIT_EXPORT_MAX);
  return { madeAt, filters, entries: rows, more };
}
