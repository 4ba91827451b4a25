import {
  CloudAdapter,
  OutboundHostValidator,
  type AuthConfiguration,
  type ConnectorClient,
  type Request,
  type TurnContext,
  type WebResponse,
} from '@microsoft/agents-hosting';
import { Activity, type ConversationReference } from '@microsoft/agents-activity';
import type { Logger } from 'pino';
import type { EnvValues } from '../Platform.ts';
import type { TEAMS_ENV } from './env.ts';
import { callConnector, outsideTheTurn, teamsAdapter, type Connector } from './botAdapter.ts';
import { activityHandler, type BridgedRequest, type BridgedResponse } from './koaBridge.ts';
import { teamsBotLogic, type TeamsBotDeps, type TeamsRuntime } from './bot.ts';

/**
 * The Teams bot on the Microsoft 365 Agents SDK (TEAMS_SDK=agents: @microsoft/agents-hosting,
 * the maintained successor of botbuilder), loaded like runtime.ts only when the bot is
 * enabled. The same logic, cards, threads and auth rules: with MicrosoftAppId, activities
 * must carry a Bot Framework token (the SDK's own JWT check) and replies go only to Microsoft's
 * hosts; with TEAMS_BOT_NO_AUTH=true (a local machine) neither, and proactive sends are
 * anonymous. Our variables are mapped to the SDK's settings (clientId, clientSecret,
 * tenantId), so switching SDKs changes no other setting.
 */
export function createAgentsTeamsRuntime(env: EnvValues<typeof TEAMS_ENV>, log: Logger): TeamsRuntime {
  const appId = env.MicrosoftAppId ?? '';
  const auth: AuthConfiguration = {
    clientId: appId,
    ...(env.MicrosoftAppPassword ? { clientSecret: env.MicrosoftAppPassword } : {}),
    ...(env.MicrosoftAppTenantId ? { tenantId: env.MicrosoftAppTenantId } : {}),
  };
  const cloud = new CloudAdapter(
    auth,
    undefined,
    undefined,
    undefined,
    new OutboundHostValidator({ enabled: !!appId }),
  );
  // The SDK's default posts "The agent encountered an error" into the chat: log it instead.
  cloud.onTurnError = async (_ctx, e) => {
    log.error({ err: { message: (e as Error).message } }, 'Teams bot turn failed');
  };
  const connector: Connector = (reference, call) => {
    // Stored in Bot Framework's shape (`bot`); the Agents SDK names the bot's account `agent`.
    const { bot, ...rest } = reference;
    const ref = { ...rest, agent: rest.agent ?? bot } as unknown as ConversationReference;
    return outsideTheTurn(
      (logic) => cloud.continueConversation(appId || {}, ref, logic),
      (ctx: TurnContext) =>
        callConnector(ctx.turnState.get<ConnectorClient>(cloud.ConnectorClientKey), ref.conversation.id, call),
    );
  };
  return {
    sdk: 'agents',
    adapter: (reference) => teamsAdapter(connector, reference),
    handler: (deps: TeamsBotDeps) => {
      const bot = teamsBotLogic(deps);
      // This SDK's sendActivity takes its own Activity class, not a plain invoke response.
      const logic = (ctx: TurnContext) =>
        bot({
          activity: ctx.activity,
          sendActivity: (a) => ctx.sendActivity(typeof a === 'string' ? a : Activity.fromObject(a)),
          memberEmail: async (user) => {
            const client = ctx.turnState.get<ConnectorClient>(cloud.ConnectorClientKey);
            const member = (await client.getConversationMember(user, ctx.activity.conversation!.id)) as {
              email?: string;
            };
            return member.email ?? null;
          },
        });
      return activityHandler(async (req: BridgedRequest, res: BridgedResponse) => {
        const request = req as Request;
        const response = res as unknown as WebResponse;
        // The adapter's own authorizeJWT (with its defaults applied) answers 401 itself.
        let authorized = !appId;
        if (appId) await cloud.authorizeRequest(request, response, () => void (authorized = true));
        if (authorized) await cloud.process(request, response, logic);
      });
    },
  };
}
