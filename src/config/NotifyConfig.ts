import type { Route } from '../routing/route.ts';
import type { ChannelConfig } from '../platforms/registry.ts';
import type { Labels } from '../render/labels.ts';

export type { ChannelConfig };

/** The routing configuration in force: the file's channels and routes (the shape the README documents). */
export interface NotifyConfig {
  channels: Record<string, ChannelConfig>;
  routes: Route[];
  /** Words for coded values (`labels:`), per field. */
  labels: Labels;
  /** Where it came from: a file path, or "built-in". */
  origin: string;
}

/** Used when no config file exists: every event to the console, so a fresh checkout runs. */
export const BUILTIN_CONFIG: NotifyConfig = {
  channels: { console: { type: 'console' } },
  routes: [{ channel: 'console', source: 'file' }],
  labels: {},
  origin: 'built-in',
};
