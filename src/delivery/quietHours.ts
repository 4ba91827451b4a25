import type { EventKind } from '../vcc/changes.ts';
import type { Delivery } from '../store/Store.ts';

/** What of a due item the hours look at. */
type Held = { delivery: Pick<Delivery, 'kinds' | 'createdAt'> };

/** A channel's hours (`active:` / `quiet:` in the config), as the worker uses them. */
export interface ChannelHours {
  /** Whether the channel holds what is not urgent at `at`: inside a quiet interval, or outside its active ones. */
  quietAt(at: number): boolean;
  /** Kinds that go through at once, whatever the hour. */
  urgent: readonly EventKind[];
}

const MINUTE = 60_000;
/** How far ahead the next open minute is looked for; a channel quiet longer is looked at again then. */
const HORIZON_MINUTES = 8 * 24 * 60;

/** The first whole minute after `from` when the channel is open (at most HORIZON_MINUTES ahead). */
export function nextOpen(h: ChannelHours, from: number): number {
  const first = Math.floor(from / MINUTE) * MINUTE + MINUTE;
  for (let m = 0; m < HORIZON_MINUTES; m += 1) {
    const at = first + m * MINUTE;
    if (!h.quietAt(at)) return at;
  }
  return first + HORIZON_MINUTES * MINUTE;
}

const isUrgent = (h: ChannelHours, i: Held) => i.delivery.kinds.some((k) => h.urgent.includes(k));

/**
 * What a read of a channel with hours comes to at `now`: while quiet, only the urgent items
 * are sent and the rest wait (`holdUntil`: when the hours begin); while open, what arrived in
 * quiet hours and waited (`away`) is sent as one summary, the rest as usual (`send`).
 * Nothing is written: held items stay pending, so a restart or another instance sees the same.
 */
export function hoursPlan<T extends Held>(
  h: ChannelHours,
  items: readonly T[],
  now: number,
): { send: T[]; away: T[]; holdUntil: number | null } {
  if (h.quietAt(now)) {
    const send = items.filter((i) => isUrgent(h, i));
    return { send, away: [], holdUntil: send.length < items.length ? nextOpen(h, now) : null };
  }
  const away = items.filter((i) => !isUrgent(h, i) && h.quietAt(i.delivery.createdAt));
  const held = new Set(away);
  return { send: items.filter((i) => !held.has(i)), away, holdUntil: null };
}
