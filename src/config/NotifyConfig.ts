import type { Route } from '../routing/route.ts';

/** One place messages can go. Secrets (URLs) come from `${ENV}` interpolation in the file. */
export type ChannelConfig =
  | { type: 'slack'; channel: string }
  | { type: 'slack-webhook'; url: string }
  | { type: 'teams-workflow'; url: string }
  | { type: 'teams'; conversation: string }
  | { type: 'console' };

export type ChannelType = ChannelConfig['type'];

/** The routing configuration in force: the file's channels and routes (DESIGN.md shape). */
export interface NotifyConfig {
  channels: Record<string, ChannelConfig>;
  routes: Route[];
  /** Where it came from: a file path, or "built-in". */
  origin: string;
}

/** Used when no config file exists: every event to the console, so a fresh checkout runs. */
export const BUILTIN_CONFIG: NotifyConfig = {
  channels: { console: { type: 'console' } },
  routes: [{ channel: 'console', source: 'file' }],
  origin: 'built-in',
};
