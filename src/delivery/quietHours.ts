import type { EventKind } from '../vcc/changes.ts';
import type { RouteHours } from '../routing/route.ts';
import type { Delivery } from '../store/Store.ts';

/** What of a due item the hours look at. */
type Held = { delivery: Pick<Delivery, 'kinds' | 'createdAt' | 'hours'> };
type Named = Pick<RouteHours, 'mode' | 'intervals'>;
type QuietAt = (at: number) => boolean;

/** A channel's hours (`active:` / `quiet:` in the config), as the worker uses them. */
export interface ChannelHours extends Named {
  /** Whether the channel holds what is not urgent at `at`: inside a quiet interval, or outside its active ones. */
  quietAt: QuietAt;
  /** Kinds that go through at once, whatever the hour. */
  urgent: readonly EventKind[];
}

/** The hours a read of a channel honours: the channel's own, and those its routes put on deliveries. */
export interface Hours {
  channel?: ChannelHours | undefined;
  /** Whether a delivery with these route hours waits at a time: while each of them is quiet. */
  routes: (hours: readonly RouteHours[]) => QuietAt;
}

const MINUTE = 60_000;
/** How far ahead the next open minute is looked for; a channel quiet longer is looked at again then. */
const HORIZON_MINUTES = 8 * 24 * 60;

/** The first whole minute after `from` that is not quiet (at most HORIZON_MINUTES ahead). */
export function nextOpen(quietAt: QuietAt, from: number): number {
  const first = Math.floor(from / MINUTE) * MINUTE + MINUTE;
  for (let m = 0; m < HORIZON_MINUTES; m += 1) {
    const at = first + m * MINUTE;
    if (!quietAt(at)) return at;
  }
  return first + HORIZON_MINUTES * MINUTE;
}

/** Whether a read's items have any hours to honour (else the read is sent as it is). */
export const anyHours = (h: Hours, items: readonly Held[]) =>
  h.channel !== undefined || items.some((i) => i.delivery.hours !== undefined);

/**
 * What a read comes to at `now`: an item waits while its hours are quiet (the channel's,
 * unless it has one of the channel's urgent kinds, or its routes'): those stay pending
 * (`holdUntil`: the earliest time one of them may go). Items made while their hours were
 * quiet and now free (`away`) go as one summary; the rest as usual (`send`). Pure: held
 * items (`held`, each with when it may go and which hours hold it) stay pending, so a restart
 * or another instance sees the same; the caller notes why on them.
 */
export function hoursPlan<T extends Held>(
  h: Hours,
  items: readonly T[],
  now: number,
): { send: T[]; away: T[]; held: Array<{ item: T; until: number; why: string }>; holdUntil: number | null } {
  const tests = new Map<string, Waits>();
  const send: T[] = [];
  const away: T[] = [];
  const held: Array<{ item: T; until: number; why: string }> = [];
  let holdUntil: number | null = null;
  for (const i of items) {
    const w = waitsFor(h, i, tests);
    if (w === null) send.push(i);
    else if (w.quietAt(now)) {
      w.open ??= nextOpen(w.quietAt, now);
      holdUntil = Math.min(holdUntil ?? w.open, w.open);
      held.push({ item: i, until: w.open, why: w.why });
    } else if (w.quietAt(i.delivery.createdAt)) away.push(i);
    else send.push(i);
  }
  return { send, away, held, holdUntil };
}

type Waits = { quietAt: QuietAt; why: string; open?: number };

/** Which hours hold an item, for people: `channel quiet: nights; route active: office`. */
const named = (who: string, h: Named) => `${who} ${h.mode}: ${h.intervals.join(', ')}`;

/** The test of when `i` waits (one per distinct set of hours in a read), or null when nothing holds it. */
function waitsFor(h: Hours, i: Held, tests: Map<string, Waits>): Waits | null {
  const ch = h.channel && !i.delivery.kinds.some((k) => h.channel!.urgent.includes(k)) ? h.channel : undefined;
  const routes = i.delivery.hours;
  if (!ch && !routes) return null;
  const key = `${ch ? 'c' : ''}${routes ? JSON.stringify(routes) : ''}`;
  let w = tests.get(key);
  if (!w) {
    const r = routes && h.routes(routes);
    const quietAt: QuietAt = ch && r ? (t) => ch.quietAt(t) || r(t) : (r ?? ch!.quietAt);
    const why = [...(ch ? [named('channel', ch)] : []), ...(routes ?? []).map((x) => named('route', x))].join('; ');
    w = { quietAt, why };
    tests.set(key, w);
  }
  return w;
}
