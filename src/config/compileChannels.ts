import type { NotifyConfig, ChannelConfig } from './NotifyConfig.ts';
import type { ThreadSettings } from '../delivery/ChannelSender.ts';
import { channelSchema } from '../platforms/registry.ts';
import { hoursSettings, type HoursKeys, type HoursSettings } from './hoursSettings.ts';
import { threadSettings, type ThreadKeys } from './threadSettings.ts';
import { reviewSettings, type ReviewKeys, type ReviewSettings } from './reviewSettings.ts';
import { check, isObject, type At } from './checkShape.ts';

/** Each channel against its own type's schema, with its hours and thread settings. */
export function compileChannels(
  entries: Record<string, unknown>,
  timeIntervals: NotifyConfig['timeIntervals'],
  problems: string[],
  at: At,
) {
  const channels: Record<string, ChannelConfig> = {};
  const threads: Record<string, ThreadSettings> = {};
  const hours: Record<string, HoursSettings> = {};
  const reviews: Record<string, ReviewSettings> = {};
  for (const [id, entry] of Object.entries(entries)) {
    if (!isObject(entry) || !channelSchema(String(entry.type))) continue; // its shape problem is listed
    const {
      thread,
      broadcast,
      thread_days,
      active,
      quiet,
      urgent,
      reviewers,
      escalate,
      remind_after,
      reminders,
      ...ch
    } = entry as { type: string } & Record<keyof ThreadKeys | keyof HoursKeys | keyof ReviewKeys, unknown>;
    const review = { reviewers, escalate, remind_after, reminders };
    const reviewOf = reviewSettings(review, ch.type, ['channels', id], problems, at);
    if (reviewOf) reviews[id] = reviewOf;
    const hoursOf = hoursSettings({ active, quiet, urgent }, timeIntervals, ['channels', id], problems, at);
    if (hoursOf) hours[id] = hoursOf;
    // Each channel against its own type's schema: errors name that type's fields, not a union.
    if (check(ch, channelSchema(ch.type)!, ['channels', id], problems, at, `type ${ch.type}`))
      channels[id] = ch as ChannelConfig;
    const keys = { thread, broadcast, thread_days };
    const settings = threadSettings(keys, ch.type, ['channels', id], problems, at);
    if (settings) threads[id] = settings;
  }
  return { channels, threads, hours, reviews };
}
