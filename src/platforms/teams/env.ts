import { envOf, type AnyEnv, type EnvVars } from '../Platform.ts';

/** The SDKs the Teams bot can run on (TEAMS_SDK): botbuilder (the default), or the Microsoft 365 Agents SDK. */
export const TEAMS_SDKS = ['botbuilder', 'agents'] as const;
export type TeamsSdk = (typeof TEAMS_SDKS)[number];

/** What Teams reads from the environment: botbuilder's names for the bot's identity, used with either SDK. */
export const TEAMS_ENV = {
  TEAMS_SDK: {
    secret: false,
    what: 'the SDK the Teams bot runs on: botbuilder (default) or agents (the Microsoft 365 Agents SDK)',
    values: TEAMS_SDKS,
  },
  MicrosoftAppId: { secret: false, what: "the bot's app id: runs the Teams bot with Bot Framework auth" },
  MicrosoftAppPassword: { secret: true, what: "the bot's client secret" },
  MicrosoftAppType: { secret: false, what: 'MultiTenant, SingleTenant or UserAssignedMSI' },
  MicrosoftAppTenantId: { secret: false, what: 'the tenant, for a single-tenant bot' },
  TEAMS_BOT_NO_AUTH: {
    secret: false,
    what: 'true: the bot without auth (a local machine, a fake connector only)',
    values: ['true', 'false'],
  },
  TEAMS_LOGIN_URL: {
    secret: false,
    what: "the Microsoft identity platform for `check-config --online`'s token check (default https://login.microsoftonline.com; tests point it at a fake)",
  },
  TEAMS_COMMAND_USERS: { secret: false, what: 'who may change a channel from the bot: anyone or AAD object ids' },
} as const satisfies EnvVars;

/**
 * The Teams bot (`/api/messages`, `teams` channels) runs with Bot Framework auth when
 * `MicrosoftAppId` is set, or without it only when `TEAMS_BOT_NO_AUTH=true` says so on purpose
 * (a local machine, tests against a fake connector). Otherwise botbuilder is never loaded.
 */
export const teamsBotEnabled = (anyEnv: AnyEnv): boolean => {
  const env = envOf(TEAMS_ENV, anyEnv);
  return Boolean(env.MicrosoftAppId) || env.TEAMS_BOT_NO_AUTH === 'true';
};

/** Chat-made Teams channels are `teams:CONVERSATIONID`. */
export const TEAMS_PREFIX = 'teams';

/** How a mention is written after `mention` in a Teams command. */
export const TEAMS_MENTION_HELP = '@person (mention Teams people as usual)';
