import type { DueItem, Outgoing } from '../delivery/DeliveryWorker.ts';
import type { Message } from './Message.ts';

const v = (x: unknown) => (x === null || x === undefined || x === '' ? '(none)' : String(x));

/** A plain-text message per delivery (no digests); the console's stop-gap renderer. */
export function plainMessages(items: DueItem[]): Outgoing[] {
  return items.map(({ delivery, event }) => {
    const who = event.new.name ?? event.new.username ?? `user ${v(event.userId)}`;
    const lines = event.changes
      .filter((c) => delivery.kinds.includes(c.kind))
      .map((c) => (c.field ? `${c.field}: ${c.sensitive ? 'changed' : `${v(c.before)} -> ${v(c.after)}`}` : c.kind));
    const message: Message = {
      title: `${delivery.kinds.join(', ')}: ${who}`,
      summary: `VCC user ${v(event.userId)} (${v(event.new.username)})`,
      severity: 'info',
      facts: [],
      lines,
      fallback: `${delivery.kinds.join(', ')}: ${who}`,
    };
    return { message, deliveryIds: [delivery.id] };
  });
}
