import type { Delivery, StoredEvent } from '../store/Store.ts';
import { changeText } from '../render/changeText.ts';
import type { Labels } from '../render/labels.ts';
import { csvField } from '../render/csvField.ts';

export { csvField };

export const CSV_HEADER = ['event_id', 'received_at', 'user_id', 'name', 'username', 'kinds', 'changes', 'deliveries'];

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
