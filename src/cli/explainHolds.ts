import type { NotifyConfig } from '../config/NotifyConfig.ts';
import type { EventKind } from '../vcc/changes.ts';
import { nextOpen } from '../delivery/quietHours.ts';
import { muteFor } from '../delivery/mutes.ts';
import type { Mute } from '../store/Store.ts';

const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * For `explain`: whether each channel among `channels` (those its routes matched) would hold
 * an event of `kinds` arriving at `now` for its quiet hours, and until when.
 */
export function hoursPlacement(
  channels: readonly string[],
  kinds: readonly EventKind[],
  hours: NotifyConfig['hours'],
  now: number,
): string[] {
  return channels.flatMap((channel) => {
    const h = hours[channel];
    if (!h) return [];
    const names = `${h.mode}: ${h.intervals.join(', ')}`;
    if (!h.quietAt(now)) return [`hours   ${channel}: open now (${names}): sent at once`];
    if (kinds.some((k) => h.urgent.includes(k)))
      return [`hours   ${channel}: quiet now (${names}), but urgent kinds go at once: sent at once`];
    return [`hours   ${channel}: quiet now (${names}): held until ${at(nextOpen(h, now))}, then sent in one summary`];
  });
}

/** For `explain`: the mute that would hold the event in each of `channels`, and until when. */
export function mutePlacement(
  channels: readonly string[],
  kinds: readonly EventKind[],
  user: object,
  mutes: readonly Mute[],
  now: number,
): string[] {
  return channels.flatMap((channel) => {
    const m = muteFor(mutes, channel, kinds, user, now);
    return m ? [`mute    ${channel}: held by mute #${m.id} until ${at(m.endsAt)} (${m.comment}); resend sends it`] : [];
  });
}
