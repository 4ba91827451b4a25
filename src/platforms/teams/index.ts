import { parseCommandUsers } from '../../actions/ChangePolicy.ts';
import type { Context } from 'koa';
import { literal, nonempty, object, refine, size, string } from 'superstruct';
import { chatName, envOf, type ChannelType, type Inbound, type Platform, type PlatformContext } from '../Platform.ts';
import { TEAMS_ENV, TEAMS_MENTION_HELP, TEAMS_PREFIX, teamsBotEnabled } from './env.ts';
import { adaptiveCard, botActivity, workflowEnvelope } from './card.ts';
import { teamsWorkflowAdapter } from './workflow.ts';
import type { TeamsRuntime } from './bot.ts';
import { problem } from '../../domain/checks.ts';
import { webhookUrlFindings, type WebhookShape } from '../webhookUrl.ts';

export type TeamsChannel = { type: 'teams'; conversation: string };
export type TeamsWorkflowChannel = { type: 'teams-workflow'; url: string };

/** A card of 60 digest lines stays under Teams' ~28 KB message size. */
const DIGEST = 60;
const NOT_ENABLED = 'the Teams bot is not enabled: set MicrosoftAppId (or TEAMS_BOT_NO_AUTH=true on a local machine)';

/**
 * The bot's SDK (TEAMS_SDK: botbuilder, or the Agents SDK), loaded once and only when the bot
 * is enabled; shared by sends and /api/messages.
 */
const runtime = (ctx: PlatformContext): Promise<TeamsRuntime> | null => {
  if (!teamsBotEnabled(ctx.env)) return null;
  const env = envOf(TEAMS_ENV, ctx.env);
  return ctx.once('teams.runtime', async () =>
    env.TEAMS_SDK === 'agents'
      ? (await import('./agentsRuntime.ts')).createAgentsTeamsRuntime(env, ctx.log)
      : (await import('./runtime.ts')).createTeamsRuntime(env, ctx.log),
  );
};

/**
 * A route's Teams mention: the person's Entra object id or user principal name, and the name
 * shown in `<at>…</at>` (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format#mention-support-within-adaptive-cards).
 */
const mention = object({
  id: size(string(), 1, 200),
  name: refine(
    size(string(), 1, 80),
    'teams mention name',
    (v) => !/[<>\r\n]/.test(v) || 'expected a name without < > or line breaks',
  ),
});

/** A reviewer on Teams: the person's Entra (AAD) object id, as a click's `from.aadObjectId` carries it. */
const reviewer = refine(
  string(),
  'teams reviewer',
  (v) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ||
    'expected an Entra object id (00000000-0000-0000-0000-000000000000)',
);

const bot: ChannelType<TeamsChannel> = {
  keys: {
    conversation: 'the Teams conversation id the bot was added to (19:...@thread.tacv2; the service logs it)',
  },
  mention,
  reviewer,
  // Replies in the root's reply chain, roots edited with updateActivity (botAdapter.ts); a
  // broadcast reply gets a pointer post in the channel (Teams has no "also send to channel" for bots).
  threads: { edit: true, broadcast: 'pointer' },
  schema: object({ type: literal('teams'), conversation: nonempty(string()) }),
  // Per conversation: 7/1 s, 8/2 s, 60/30 s, 1800/h
  // (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit).
  limits: [
    { count: 7, windowMs: 1000 },
    { count: 8, windowMs: 2000 },
    { count: 60, windowMs: 30_000 },
    { count: 1800, windowMs: 3_600_000 },
  ],
  digestPerMessage: DIGEST,
  // The Agents SDK's connector client posts with fetch; botbuilder's with axios (node:http).
  sendsWithFetch: (env) => envOf(TEAMS_ENV, env).TEAMS_SDK === 'agents',
  payload: (_ch, m) => botActivity(m),
  async adapter(ch, ctx) {
    const rt = runtime(ctx);
    if (!rt) return NOT_ENABLED;
    const conv = await ctx.conversations.getConversation(ch.conversation);
    return conv
      ? (await rt).adapter(conv.reference)
      : `no Teams conversation reference for ${ch.conversation}: add the bot to that channel, then replay`;
  },
  async probe(ch, ctx) {
    if (!teamsBotEnabled(ctx.env))
      return [problem(NOT_ENABLED, "set MicrosoftAppId and MicrosoftAppPassword of the bot's Azure Bot resource")];
    const { probeTeamsChannel } = await import('./probe.ts');
    return probeTeamsChannel(ch.conversation, envOf(TEAMS_ENV, ctx.env), ctx);
  },
  warning: (env) =>
    teamsBotEnabled(env)
      ? null
      : `type teams needs the Teams bot: set MicrosoftAppId (or TEAMS_BOT_NO_AUTH=true on a local machine)`,
};

/**
 * A Workflows webhook ("Post to a channel when a webhook request is received"): Power Automate's
 * `*.logic.azure.com` or `*.api.powerplatform.com` addresses. Office 365 connector URLs
 * (`*.webhook.office.com`) were retired by Microsoft and are refused by name.
 */
const WEBHOOK: WebhookShape = {
  what: 'a Teams Workflows webhook',
  hosts: ['.logic.azure.com', '.api.powerplatform.com'],
  path: /\/workflows\//,
  fix: 'in the Teams channel: Workflows → "Post to a channel when a webhook request is received", and copy its URL',
};

const workflow: ChannelType<TeamsWorkflowChannel> = {
  webhook: WEBHOOK,
  async probe(ch, ctx) {
    const host = URL.canParse(ch.url) ? new URL(ch.url).hostname.toLowerCase() : '';
    if (host.endsWith('.webhook.office.com') || host === 'outlook.office.com')
      return [problem('the URL is an Office 365 connector webhook, which Microsoft retired', WEBHOOK.fix)];
    return webhookUrlFindings(ch.url, WEBHOOK, ctx.webhookOwner);
  },
  keys: { url: 'the Workflows (Power Automate) webhook URL (a secret: put it in an environment variable)' },
  mention,
  schema: object({ type: literal('teams-workflow'), url: nonempty(string()) }),
  // Power Automate throttles per flow; one a second keeps a channel readable.
  limits: [{ count: 1, windowMs: 1050 }],
  digestPerMessage: DIGEST,
  sendsWithFetch: () => true,
  payload: (_ch, m) => workflowEnvelope(adaptiveCard(m)),
  adapter: async (ch, ctx) => teamsWorkflowAdapter(ch.url, ctx.fetch, ctx.clock),
};

/**
 * `POST /api/messages`: Bot Framework activities (commands, being added to a team). The SDK is
 * loaded once the service answers (or by the first activity), so start-up never waits for it.
 */
const inbound: Inbound = {
  async mount(router, deps) {
    if (!teamsBotEnabled(deps.env)) {
      router.post('/api/messages', (ctx) => {
        ctx.status = 501;
        ctx.body = { error: { code: 'teams_not_configured', message: 'set MicrosoftAppId to run the Teams bot' } };
      });
      return { start: async () => {}, stop: async () => {} };
    }
    const env = envOf(TEAMS_ENV, deps.env);
    if (!env.MicrosoftAppId) {
      deps.log.warn(
        'TEAMS_BOT_NO_AUTH=true: /api/messages takes Teams activities from anyone who can reach it; use only on a local machine',
      );
    }
    deps.policy.setRule(TEAMS_PREFIX, {
      variable: 'TEAMS_COMMAND_USERS',
      users: parseCommandUsers(env.TEAMS_COMMAND_USERS),
    });
    let handler: Promise<(ctx: Context) => Promise<void>> | null = null;
    const load = () =>
      (handler ??= runtime(deps)!.then((bot) => {
        deps.log.info({ sdk: bot.sdk, auth: env.MicrosoftAppId ? 'bot framework' : 'none' }, `Teams bot on ${bot.sdk}`);
        return bot.handler({
          store: deps.conversations,
          log: deps.log,
          clock: deps.clock,
          subscriptions: deps.subscriptions,
          fileRoutesFor: (id) => deps.fileRoutesFor(chatName(TEAMS_PREFIX, id)),
          actions: deps.actions,
        });
      }));
    router.post('/api/messages', async (ctx) => (await load())(ctx));
    const loaded = () =>
      void load().catch((e: Error) => deps.log.error({ err: { message: e.message } }, 'Teams bot SDK failed to load'));
    return { start: async () => void setImmediate(loaded), stop: async () => {} };
  },
};

/** Microsoft Teams: a bot sending proactively to stored conversations, or a Workflows webhook. */
export const teams = {
  target: 'teams',
  title: 'Microsoft Teams',
  preview: { accent: '#5b5fc7' },
  env: TEAMS_ENV,
  channelTypes: { teams: bot, 'teams-workflow': workflow },
  chat: {
    prefix: TEAMS_PREFIX,
    channel: (id: string): TeamsChannel => ({ type: 'teams', conversation: id }),
    mentionHelp: TEAMS_MENTION_HELP,
  },
  inbound,
} satisfies Platform<Record<string, ChannelType<any>>>;
