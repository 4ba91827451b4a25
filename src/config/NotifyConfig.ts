import type { Route } from '../routing/route.ts';
import { BUILT_IN_CHANNEL, type ChannelConfig } from '../platforms/registry.ts';
import type { Labels } from '../render/labels.ts';
import type { ThreadSettings } from '../delivery/ChannelSender.ts';
import type { HoursSettings } from './hoursSettings.ts';
import type { ReviewSettings } from './reviewSettings.ts';
import type { TimeInterval } from '../routing/timeIntervals.ts';

export type { ChannelConfig };

/** The routing configuration in force: the file's channels and routes (the shape docs/configuration.md documents). */
export interface NotifyConfig {
  channels: Record<string, ChannelConfig>;
  /** Channels with `thread: agent`, by name, with their thread settings. */
  threads: Record<string, ThreadSettings>;
  /** Channels with `active:` or `quiet:` hours, by name. */
  hours: Record<string, HoursSettings>;
  /** Channels with `reviewers:` (who may decide on a change), by name. */
  reviews: Record<string, ReviewSettings>;
  /** `time_intervals:`, compiled, by name. */
  timeIntervals: Record<string, TimeInterval>;
  routes: Route[];
  /** Words for coded values (`labels:`), per field. */
  labels: Labels;
  /** Where it came from: a file path, or "built-in". */
  origin: string;
}

/** Used when no config file exists: every event to the built-in channel (the log), so a fresh checkout runs. */
export const BUILTIN_CONFIG: NotifyConfig = {
  channels: { [BUILT_IN_CHANNEL.name]: BUILT_IN_CHANNEL.channel },
  threads: {},
  hours: {},
  reviews: {},
  timeIntervals: {},
  routes: [{ channel: BUILT_IN_CHANNEL.name, source: 'file' }],
  labels: {},
  origin: 'built-in',
};
