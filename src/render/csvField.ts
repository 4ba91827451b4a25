import { sanitizeLine } from './sanitize.ts';

/**
 * One CSV field (RFC 4180 quoting). Text is made one line, and a field a spreadsheet would
 * run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe.
 */
export function csvField(v: unknown): string {
  let s = sanitizeLine(v === null || v === undefined ? '' : String(v));
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * An export as CSV: its header lines as `# ` comments (when it was made, its filters, its
 * count), the column names, then one line per row of cells (each through csvField); CRLF lines.
 */
export function csvDocument(header: readonly string[], columns: readonly string[], rows: readonly unknown[][]): string {
  const lines = [...header.map((l) => `# ${l}`), columns.join(','), ...rows.map((r) => r.map(csvField).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
