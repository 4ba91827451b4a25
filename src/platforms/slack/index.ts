import { literal, nonempty, object, refine, string } from 'superstruct';
import type { Adapter } from '../../delivery/Adapter.ts';
import { chatName, envOf, type ChannelType, type EnvVars, type Inbound, type Platform } from '../Platform.ts';
import type { RateWindow } from '../../delivery/RateLimiter.ts';
import { slackChatPayload, slackPayload } from './blocks.ts';
import { slackWebhookAdapter } from './webhook.ts';
import { SLACK_MENTION, SLACK_MENTION_HELP, SLACK_PREFIX } from './mentions.ts';
import { webhookUrlFindings, type WebhookShape } from '../webhookUrl.ts';

/** What Slack reads from the environment (docs/configuration.md "Environment", .env.example). */
const ENV = {
  SLACK_BOT_TOKEN: { secret: true, what: 'bot token (xoxb-...) for `slack` channels and /vcc replies' },
  SLACK_SIGNING_SECRET: { secret: true, what: 'checks /vcc requests over HTTP' },
  SLACK_APP_TOKEN: { secret: true, what: 'app-level token (xapp-...): /vcc over Socket Mode' },
  SLACK_API_URL: { secret: false, what: 'Web API base URL (tests point it at a fake)' },
  SLACK_COMMAND_USERS: { secret: false, what: 'who may change a channel from /vcc: anyone, admins or user ids' },
} as const satisfies EnvVars;

export type SlackChannel = { type: 'slack'; channel: string };
export type SlackWebhookChannel = { type: 'slack-webhook'; url: string };

/**
 * chat.postMessage allows about 1 message per second per channel
 * (https://api.slack.com/methods/chat.postMessage#rate_limiting), incoming webhooks the same
 * (https://api.slack.com/apis/rate-limits#incoming-webhooks). The 50 ms margin keeps clock and
 * network jitter from landing two sends inside one second at Slack.
 */
const ONE_PER_SECOND: readonly RateWindow[] = [{ count: 1, windowMs: 1050 }];
/** A digest of 100 events stays within Block Kit's 50 blocks of 3000 characters. */
const DIGEST = 100;

/**
 * A route's Slack mention: a user id (`U…`, `W…`), a user group id (`S…`), `here` or `channel`
 * (https://api.slack.com/reference/surfaces/formatting#mentioning-users).
 */
const mention = refine(
  string(),
  'slack mention',
  (v) => SLACK_MENTION.test(v) || 'expected a Slack user id (U0123ABCD), user group id (S0123ABCD), here or channel',
);

/** A reviewer on Slack: a user id (`U…`, `W…`) or a user group id (`S…`, its members, read with usergroups.users.list). */
const reviewer = refine(
  string(),
  'slack reviewer',
  (v) => /^[UWS][A-Z0-9]{2,20}$/.test(v) || 'expected a Slack user id (U0123ABCD) or user group id (S0123ABCD)',
);

const bot: ChannelType<SlackChannel> = {
  keys: { channel: 'the Slack channel id (C0123...), from the channel details' },
  mention,
  reviewer,
  // Replies with thread_ts (reply_broadcast shows one in the channel too), roots edited with
  // chat.update, which Slack limits apart from posting: Tier 3, 50+ a minute
  // (https://api.slack.com/methods/chat.update#rate_limiting, https://api.slack.com/apis/rate-limits#tiers).
  threads: { edit: true, broadcast: 'native', editLimits: [...ONE_PER_SECOND, { count: 50, windowMs: 61_000 }] },
  schema: object({ type: literal('slack'), channel: nonempty(string()) }),
  limits: ONE_PER_SECOND,
  digestPerMessage: DIGEST,
  // @slack/web-api posts with the global fetch.
  sendsWithFetch: () => true,
  payload: (ch, m) => slackChatPayload(ch.channel, m),
  async adapter(ch, ctx) {
    const env = envOf(ENV, ctx.env);
    const token = env.SLACK_BOT_TOKEN;
    if (!token) return 'SLACK_BOT_TOKEN is not set';
    // The Web API client loads on the first send to a `slack` channel.
    const make = await ctx.once('slack.webApi', async () => {
      const { slackAdapter, slackClient } = await import('./webApi.ts');
      const client = slackClient(token, env.SLACK_API_URL);
      return (id: string): Adapter => slackAdapter(client, id);
    });
    return make(ch.channel);
  },
  // Loaded on use, as the Web API client is: `check-config` without --online never loads it.
  async probe(ch, ctx) {
    const env = envOf(ENV, ctx.env);
    const { probeSlackChannel } = await import('./probe.ts');
    return probeSlackChannel(
      ch.channel,
      {
        token: env.SLACK_BOT_TOKEN,
        apiUrl: env.SLACK_API_URL,
        commands: Boolean(env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN),
        adminsOnly: env.SLACK_COMMAND_USERS?.trim() === 'admins',
      },
      ctx,
    );
  },
  warning: (env) => (envOf(ENV, env).SLACK_BOT_TOKEN ? null : 'type slack needs SLACK_BOT_TOKEN, which is not set'),
};

/** https://api.slack.com/messaging/webhooks: `https://hooks.slack.com/services/T.../B.../...` (GovSlack: hooks.slack-gov.com). */
const WEBHOOK: WebhookShape = {
  what: 'a Slack incoming webhook',
  hosts: ['hooks.slack.com', 'hooks.slack-gov.com'],
  path: /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/,
  fix: "copy the channel's URL from the app's Incoming Webhooks page (https://hooks.slack.com/services/T.../B.../...)",
};

const webhook: ChannelType<SlackWebhookChannel> = {
  keys: { url: 'the incoming webhook URL (a secret: put it in an environment variable, `${SLACK_WEBHOOK_OPS}`)' },
  mention,
  schema: object({ type: literal('slack-webhook'), url: nonempty(string()) }),
  limits: ONE_PER_SECOND,
  digestPerMessage: DIGEST,
  sendsWithFetch: () => true,
  payload: (_ch, m) => slackPayload(m),
  adapter: async (ch, ctx) => slackWebhookAdapter(ch.url, ctx.fetch, ctx.clock),
  webhook: WEBHOOK,
  probe: async (ch, ctx) => webhookUrlFindings(ch.url, WEBHOOK, ctx.webhookOwner),
};

/** `/vcc` commands: over HTTP with SLACK_SIGNING_SECRET, or Socket Mode with SLACK_APP_TOKEN. */
const inbound: Inbound = {
  async mount(router, deps) {
    const env = envOf(ENV, deps.env);
    if (!env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      router.post('/slack/events', (ctx) => {
        ctx.status = 501;
        ctx.body = {
          error: { code: 'slack_not_configured', message: 'set SLACK_SIGNING_SECRET to take Slack commands' },
        };
      });
      return { start: async () => {}, stop: async () => {} };
    }
    const { createSlackCommands } = await import('./slackCommands.ts');
    const commands = createSlackCommands({
      signingSecret: env.SLACK_SIGNING_SECRET ?? '',
      appToken: env.SLACK_APP_TOKEN,
      botToken: env.SLACK_BOT_TOKEN,
      apiUrl: env.SLACK_API_URL,
      commandUsers: env.SLACK_COMMAND_USERS,
      subscriptions: deps.subscriptions,
      fileRoutesFor: (id) => deps.fileRoutesFor(chatName(SLACK_PREFIX, id)),
      actions: deps.actions,
      policy: deps.policy,
      log: deps.log,
      clock: deps.clock,
    });
    router.post(
      '/slack/events',
      commands.handler ??
        ((ctx) => {
          ctx.status = 501;
          ctx.body = {
            error: {
              code: 'slack_socket_mode',
              message: 'Slack commands come over Socket Mode (SLACK_APP_TOKEN), not HTTP',
            },
          };
        }),
    );
    return {
      start: () =>
        commands
          .start()
          .catch((e) =>
            deps.log.error({ err: { message: (e as Error).message } }, 'Slack Socket Mode did not connect'),
          ),
      stop: () => commands.stop().catch(() => {}),
    };
  },
};

/** Slack: a bot posting with chat.postMessage, or an incoming webhook; `/vcc` commands. */
export const slack = {
  target: 'slack',
  title: 'Slack',
  preview: { accent: '#4a154b' },
  env: ENV,
  channelTypes: { slack: bot, 'slack-webhook': webhook },
  chat: {
    prefix: SLACK_PREFIX,
    channel: (id: string): SlackChannel => ({ type: 'slack', channel: id }),
    mentionHelp: SLACK_MENTION_HELP,
  },
  inbound,
} satisfies Platform<Record<string, ChannelType<any>>>;
