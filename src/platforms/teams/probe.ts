import { ok, problem, unchecked, type Finding } from '../../domain/checks.ts';
import { isLoopback } from '../webhookUrl.ts';
import type { EnvValues, ProbeContext } from '../Platform.ts';
import type { TEAMS_ENV } from './env.ts';

type TeamsEnv = EnvValues<typeof TEAMS_ENV>;

const LOGIN = 'https://login.microsoftonline.com';
/** The Bot Framework's token audience (https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-connector-authentication). */
const SCOPE = 'https://api.botframework.com/.default';
const NEW_SECRET =
  "create a new client secret for the bot's app registration (Azure portal → the Azure Bot → Configuration → Manage Password) and set MicrosoftAppPassword to its value (not its id); an expired secret looks the same";
const TIMEOUT_MS = 15_000;

/** Microsoft's reason, first sentence only (its error code, e.g. AADSTS7000215), printable and short. */
const reasonOf = (body: { error?: unknown; error_description?: unknown }): string =>
  String(body.error_description ?? body.error ?? 'refused')
    .split(/[.\r\n]/)[0]!
    .replace(/[^\x20-\x7e]/g, '')
    .slice(0, 160);

/** A token for the Bot Connector with the bot's client secret (client credentials), or what stopped it. */
async function botToken(env: TeamsEnv, ctx: ProbeContext): Promise<{ token: string } | Finding> {
  if (!env.MicrosoftAppPassword)
    return problem('MicrosoftAppId is set but MicrosoftAppPassword is not', `set it: ${NEW_SECRET}`);
  const single = env.MicrosoftAppType === 'SingleTenant';
  if (single && !env.MicrosoftAppTenantId)
    return problem(
      'a SingleTenant bot needs MicrosoftAppTenantId',
      "set it to the tenant id of the bot's app registration",
    );
  const tenant = single ? env.MicrosoftAppTenantId! : 'botframework.com';
  const url = `${(env.TEAMS_LOGIN_URL ?? LOGIN).replace(/\/$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env.MicrosoftAppId!,
    client_secret: env.MicrosoftAppPassword,
    scope: SCOPE,
  });
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    return unchecked(
      'the Microsoft identity platform did not answer',
      'run the check again from a machine that reaches login.microsoftonline.com',
    );
  }
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (res.ok && typeof body.access_token === 'string') return { token: body.access_token };
  if (res.status >= 500 || res.status === 429)
    return unchecked(`the Microsoft identity platform answered ${res.status}`);
  const reason = reasonOf(body);
  return problem(
    `Microsoft refused the bot's credentials (${reason})`,
    /AADSTS700016|AADSTS90002/.test(reason)
      ? 'check MicrosoftAppId, MicrosoftAppType and MicrosoftAppTenantId against the Azure Bot (Configuration)'
      : NEW_SECRET,
  );
}

/** Whether the Bot Connector still knows the conversation with the bot in it (GET .../members). */
async function known(id: string, serviceUrl: string, token: string | null, ctx: ProbeContext): Promise<Finding> {
  let u: URL;
  try {
    u = new URL(
      `v3/conversations/${encodeURIComponent(id)}/members`,
      serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`,
    );
  } catch {
    return problem(
      `the stored reference for ${id} has no usable serviceUrl`,
      'remove the bot from the team and add it again',
    );
  }
  // The bot's token goes to https hosts only (or this machine): never in clear over the network.
  if (token && u.protocol !== 'https:' && !isLoopback(u.hostname))
    return problem(`the stored serviceUrl of ${id} is not https`, 'remove the bot from the team and add it again');
  let res: Response;
  try {
    res = await ctx.fetch(u, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return unchecked(`the Bot Connector (${u.hostname}) did not answer for ${id}`);
  }
  await res.arrayBuffer().catch(() => {});
  if (res.ok) return ok('the conversation is known to the Bot Connector with the bot in it');
  if (res.status >= 500 || res.status === 429) return unchecked(`the Bot Connector answered ${res.status} for ${id}`);
  return problem(
    `the Bot Connector does not know conversation ${id} for this bot (${res.status}): the bot was removed, or the team deleted`,
    'add the bot to that team or chat again (the service stores the new conversation and logs its id)',
  );
}

/**
 * A `teams` channel's online check, read-only: the bot's credentials obtain a token (once for
 * every channel), the conversation's reference is stored, and the Bot Connector still knows it.
 */
export async function probeTeamsChannel(conversation: string, env: TeamsEnv, ctx: ProbeContext): Promise<Finding[]> {
  const found: Finding[] = [];
  let token: string | null = null;
  if (!env.MicrosoftAppId) found.push(ok('TEAMS_BOT_NO_AUTH=true: no credentials to check (a local machine only)'));
  else if (env.MicrosoftAppType === 'UserAssignedMSI')
    found.push(unchecked('a managed identity gets its token on its Azure host only', 'run the check on that host'));
  else {
    const t = await ctx.once('teams.probe.token', () => botToken(env, ctx));
    if ('status' in t) return [t];
    token = t.token;
    found.push(ok("the bot's credentials obtain a token"));
  }
  if (!ctx.conversations)
    return [
      ...found,
      unchecked(
        'the stored conversation was not read: the store is unreachable, or not created or migrated yet',
        'start the service once (it creates and migrates the store), add the bot to the team, and check again',
      ),
    ];
  const conv = await ctx.conversations.getConversation(conversation);
  if (!conv)
    return [
      ...found,
      problem(
        `no conversation stored for ${conversation}: the bot was never added there`,
        'add the bot to that team or chat in Teams (the service stores the conversation when it is added and logs its id)',
      ),
    ];
  const serviceUrl = typeof conv.reference.serviceUrl === 'string' ? conv.reference.serviceUrl : '';
  if (env.MicrosoftAppType === 'UserAssignedMSI') return [...found, ok('the conversation is stored')];
  return [...found, await known(conversation, serviceUrl, token, ctx)];
}
