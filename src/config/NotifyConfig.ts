import type { Route } from '../routing/route.ts';
import { teamsBotEnabled, type Env } from './settings.ts';

/** One place messages can go. Secrets (URLs) come from `${ENV}` interpolation in the file. */
export type ChannelConfig =
  | { type: 'slack'; channel: string }
  | { type: 'slack-webhook'; url: string }
  | { type: 'teams-workflow'; url: string }
  | { type: 'teams'; conversation: string }
  | { type: 'console' };

export type ChannelType = ChannelConfig['type'];

/** The routing configuration in force: the file's channels and routes (the shape the README documents). */
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

/**
 * Channels that cannot send with the environment given (a missing token): not an error in
 * the file, but every delivery to them would go dead. Shown by check-config and logged at start.
 */
export function channelWarnings(config: NotifyConfig, env: Pick<Env, 'SLACK_BOT_TOKEN' | 'MicrosoftAppId' | 'TEAMS_BOT_NO_AUTH'>): string[] {
  return Object.entries(config.channels).flatMap(([name, ch]) => {
    if (ch.type === 'slack' && !env.SLACK_BOT_TOKEN) return [`channels.${name}: type slack needs SLACK_BOT_TOKEN, which is not set`];
    if (ch.type === 'teams' && !teamsBotEnabled(env)) return [`channels.${name}: type teams needs the Teams bot: set MicrosoftAppId (or TEAMS_BOT_NO_AUTH=true on a local machine)`];
    return [];
  });
}
