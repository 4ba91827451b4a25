import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsInfo,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import { ClaimsIdentity, type ConnectorClient } from 'botframework-connector';
import type { Logger } from 'pino';
import type { EnvValues } from '../Platform.ts';
import type { TEAMS_ENV } from './env.ts';
import { callConnector, outsideTheTurn, teamsAdapter, type Connector } from './botAdapter.ts';
import { activityHandler } from './koaBridge.ts';
import { teamsBotLogic, type TeamsRuntime } from './bot.ts';

/**
 * The Teams bot on botbuilder (TEAMS_SDK=botbuilder, the default), in the one module that
 * imports it: the service and the CLI load it (with `import()`) only when the Teams bot is
 * enabled (`teamsBotEnabled`), so a service without Teams never pays for the SDK.
 */
export function createTeamsRuntime(env: EnvValues<typeof TEAMS_ENV>, log: Logger): TeamsRuntime {
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
  // Without an app id (local runs and tests) proactive sends use an anonymous identity.
  const connector: Connector = (reference, call) => {
    const ref = reference as Partial<ConversationReference>;
    return outsideTheTurn(
      (logic) => cloud.continueConversationAsync(env.MicrosoftAppId || new ClaimsIdentity([], true), ref, logic),
      (ctx: TurnContext) =>
        callConnector(
          ctx.turnState.get<ConnectorClient>(cloud.ConnectorClientKey).conversations,
          ref.conversation!.id,
          call,
        ),
    );
  };
  return {
    sdk: 'botbuilder',
    adapter: (reference) => teamsAdapter(connector, reference),
    // CloudAdapter checks Bot Framework auth itself.
    handler: (deps) => {
      const bot = teamsBotLogic(deps);
      const logic = (ctx: TurnContext) =>
        bot({
          activity: ctx.activity,
          sendActivity: (a) => ctx.sendActivity(a),
          memberEmail: async (user) => (await TeamsInfo.getMember(ctx, user)).email ?? null,
        });
      return activityHandler((req, res) => cloud.process(req, res, logic));
    },
  };
}
