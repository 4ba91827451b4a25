import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Logger } from 'pino';
import type { EnvValues } from '../Platform.ts';
import type { TEAMS_ENV } from './env.ts';
import type { Adapter } from '../../delivery/Adapter.ts';
import { teamsAdapter } from './botAdapter.ts';
import { botFrameworkHandler } from './koaBridge.ts';
import { teamsBotLogic, type TeamsBotDeps } from './bot.ts';

/**
 * Everything that needs botbuilder, in the one module that imports it: the service and the CLI
 * load it (with `import()`) only when the Teams bot is enabled (`teamsBotEnabled`), so a
 * service without Teams never pays for the SDK.
 */
export function createTeamsRuntime(env: EnvValues<typeof TEAMS_ENV>, log: Logger) {
  const cloud = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: env.MicrosoftAppId ?? '',
      MicrosoftAppPassword: env.MicrosoftAppPassword ?? '',
      MicrosoftAppType: env.MicrosoftAppType ?? (env.MicrosoftAppId ? 'MultiTenant' : ''),
      MicrosoftAppTenantId: env.MicrosoftAppTenantId ?? '',
    }),
  );
  cloud.onTurnError = async (_ctx, e) => {
    log.error({ err: { message: (e as Error).message } }, 'Teams bot turn failed');
  };
  return {
    /** The adapter that sends proactively to a stored conversation reference. */
    adapter: (reference: Record<string, unknown>): Adapter => teamsAdapter(cloud, env.MicrosoftAppId, reference),
    /** The Koa handler for `POST /api/messages`. */
    handler: (deps: TeamsBotDeps) => botFrameworkHandler(cloud, teamsBotLogic(deps)),
  };
}

export type TeamsRuntime = ReturnType<typeof createTeamsRuntime>;
