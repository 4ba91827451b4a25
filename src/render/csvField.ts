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
