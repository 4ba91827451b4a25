import type { HoursSettings } from '../config/hoursSettings.ts';
import type { PlannedDelivery, RouteHours } from '../routing/route.ts';
import type { EventKind } from '../vcc/changes.ts';
import { nextOpen } from '../delivery/quietHours.ts';
import { muteFor } from '../delivery/mutes.ts';
import type { Mute } from '../store/Store.ts';
import { utcMinute } from '../render/utcMinute.ts';

/**
 * For `explain`: whether each planned delivery (a channel its routes matched) would be held
 * at `now` for its channel's quiet hours or its routes' hours, and until when.
 */
export function hoursPlacement(
  planned: readonly PlannedDelivery[],
  kinds: readonly EventKind[],
  hoursOf: (channel: string) => HoursSettings | undefined,
  routeTest: (hours: readonly RouteHours[]) => (at: number) => boolean,
  now: number,
): string[] {
  return planned.flatMap(({ channel, hours }) => [
    ...channelHours(channel, kinds, hoursOf(channel), now),
    ...(hours ? routeHoursLine(channel, hours, routeTest(hours), now) : []),
  ]);
}

function routeHoursLine(channel: string, hours: readonly RouteHours[], quietAt: (at: number) => boolean, now: number) {
  const names = hours.map((h) => `${h.mode}: ${h.intervals.join(', ')}`).join('; ');
  return quietAt(now)
    ? [
        `hours   ${channel}: its routes are quiet now (${names}): held until ${utcMinute(nextOpen(quietAt, now))}, then sent in one summary`,
      ]
    : [`hours   ${channel}: its routes are open now (${names}): sent at once`];
}

function channelHours(channel: string, kinds: readonly EventKind[], h: HoursSettings | undefined, now: number) {
  if (!h) return [];
  const names = `${h.mode}: ${h.intervals.join(', ')}`;
  if (!h.quietAt(now)) return [`hours   ${channel}: open now (${names}): sent at once`];
  if (kinds.some((k) => h.urgent.includes(k)))
    return [`hours   ${channel}: quiet now (${names}), but urgent kinds go at once: sent at once`];
  return [
    `hours   ${channel}: quiet now (${names}): held until ${utcMinute(nextOpen(h.quietAt, now))}, then sent in one summary`,
  ];
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
    return m
      ? [`mute    ${channel}: held by mute #${m.id} until ${utcMinute(m.endsAt)} (${m.comment}); resend sends it`]
      : [];
  });
}

/** One line per planned delivery that asks for a decision: who may decide on that channel. */
export function reviewPlacement(
  planned: ReadonlyArray<{ channel: string; review?: true }>,
  reviewersOf: (channel: string) => readonly string[] | undefined,
): string[] {
  return planned
    .filter((p) => p.review)
    .map((p) => {
      const who = reviewersOf(p.channel);
      return `review  ${p.channel}: asks for a decision (Expected / Not expected) by ${who?.length ? who.join(', ') : 'nobody: the channel has no reviewers'}`;
    });
}
