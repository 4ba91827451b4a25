import type { Delivery, StoredEvent } from '../store/Store.ts';
import { changeText } from '../render/changeText.ts';
import type { Labels } from '../render/labels.ts';
import { sanitizeLine } from '../render/sanitize.ts';

export const CSV_HEADER = ['event_id', 'received_at', 'user_id', 'name', 'username', 'kinds', 'changes', 'deliveries'];

/**
 * One CSV field (RFC 4180 quoting). Text from VCC is made one line, and a field a spreadsheet
 * would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe.
 */
export function csvField(v: unknown): string {
  let s = sanitizeLine(v === null || v === undefined ? '' : String(v));
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One event as one CSV line: passwords never, wage values hidden. */
export function csvLine(e: StoredEvent, deliveries: readonly Delivery[], labels: Labels): string {
  return [
    e.id,
    new Date(e.receivedAt).toISOString(),
    e.userId,
    e.new.name,
    e.new.username,
    e.kinds.join(' '),
    e.changes.map((c) => changeText(c, labels, { showWages: false })).join('; '),
    deliveries.map((d) => `${d.channel}: ${d.status}`).join('; '),
  ]
    .map(csvField)
    .join(',');
}
