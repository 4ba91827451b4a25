import { ErrorCode, type WebAPICallError, type WebClient } from '@slack/web-api';
import { ok, problem, unchecked, type Finding } from '../../domain/checks.ts';
import type { ProbeContext } from '../Platform.ts';
import { slackClient } from './webApi.ts';

/** Slack's answers that say the token itself is no good (https://api.slack.com/methods/auth.test#errors). */
const BAD_TOKEN = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive']);

const NEW_TOKEN =
  'reinstall the app to the workspace (api.slack.com/apps → your app → OAuth & Permissions) and set SLACK_BOT_TOKEN to its Bot User OAuth Token (xoxb-...)';
const ADD_SCOPES =
  'add them under OAuth & Permissions → Bot Token Scopes (slack-app-manifest.yaml lists every one), reinstall the app, and set SLACK_BOT_TOKEN to the new token';

/** Why each scope is needed, for the line that names a missing one. */
const SCOPE_USE = {
  'chat:write': 'posting and editing messages',
  'users:read.email': 'reviews: nobody decides on their own account',
  'usergroups:read': 'reviewers named by a user group (S...)',
  commands: 'the /vcc command (SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set)',
  'users:read': 'SLACK_COMMAND_USERS=admins asks who is a workspace admin',
} as const;
type Scope = keyof typeof SCOPE_USE;

/** What the environment says of the Slack app: its token, and what it takes besides posting. */
export interface SlackApp {
  token: string | undefined;
  apiUrl: string | undefined;
  /** `/vcc` is served (a signing secret or an app token is set): the `commands` scope. */
  commands: boolean;
  /** SLACK_COMMAND_USERS=admins: `users:read` to ask who is an admin. */
  adminsOnly: boolean;
}

interface Account {
  team: string;
  user: string;
  /** The token's scopes as Slack reports them (`x-oauth-scopes`), when it does. */
  scopes: readonly string[] | null;
}

/** Slack's error as one safe line: its error code, or how the request failed. */
const codeOf = (e: WebAPICallError): string =>
  e.code === ErrorCode.PlatformError
    ? String(e.data.error).slice(0, 80)
    : e.code === ErrorCode.HTTPError
      ? `HTTP ${e.statusCode}`
      : e.code === ErrorCode.RateLimitedError
        ? 'rate limited'
        : 'no answer';

/** No answer from Slack (network, timeout, 5xx, 429): the setup is neither good nor bad. */
const noAnswer = (e: WebAPICallError, what: string): Finding =>
  unchecked(`Slack did not answer ${what} (${codeOf(e)})`, 'run the check again from a machine that reaches slack.com');

async function account(client: WebClient): Promise<Account | Finding> {
  try {
    const r = await client.auth.test();
    return { team: String(r.team ?? '?'), user: String(r.user ?? '?'), scopes: r.response_metadata?.scopes ?? null };
  } catch (e) {
    const err = e as WebAPICallError;
    if (err.code === ErrorCode.PlatformError && BAD_TOKEN.has(String(err.data.error)))
      return problem(`Slack refused SLACK_BOT_TOKEN (${codeOf(err)})`, NEW_TOKEN);
    return noAnswer(err, 'auth.test');
  }
}

/** The scopes the config and the environment ask of this channel that the token lacks. */
function missingScopes(scopes: readonly string[], app: SlackApp, needs: ProbeContext['needs']): Scope[] {
  const wanted: Scope[] = ['chat:write'];
  if (app.commands) wanted.push('commands');
  if (app.adminsOnly) wanted.push('users:read');
  if (needs.reviewers.length) wanted.push('users:read.email');
  if (needs.reviewers.some((r) => r.startsWith('S'))) wanted.push('usergroups:read');
  return wanted.filter((s) => !scopes.includes(s));
}

/** Whether the bot can post to the channel: a member, or a public channel with chat:write.public. */
async function membership(client: WebClient, channel: string, scopes: readonly string[] | null): Promise<Finding> {
  try {
    const r = await client.conversations.info({ channel });
    const name = r.channel?.name ? `#${r.channel.name}` : channel;
    if (r.channel?.is_member) return ok(`the bot is a member of ${name}`);
    if (!r.channel?.is_private && scopes?.includes('chat:write.public'))
      return ok(`the bot is not in ${name}, which is public, and may post there (chat:write.public)`);
    return problem(
      `the bot is not a member of ${name}${r.channel?.is_private ? ' (a private channel)' : ''}: its posts are refused (not_in_channel)`,
      `invite it: type /invite @your-app-name in ${name}${r.channel?.is_private ? '' : ' (or add the chat:write.public scope)'}`,
    );
  } catch (e) {
    const err = e as WebAPICallError;
    if (err.code !== ErrorCode.PlatformError) return noAnswer(err, 'conversations.info');
    if (err.data.error === 'channel_not_found')
      return problem(
        `Slack knows no channel ${channel} the bot can see`,
        "use the channel id from the channel's details (C0...); for a private channel, invite the bot first",
      );
    if (err.data.error === 'missing_scope')
      return problem(
        `the token cannot read the channel's details (missing ${String((err.data as { needed?: string }).needed ?? 'channels:read, groups:read')})`,
        `${ADD_SCOPES} (channels:read and groups:read tell whether the bot is in a channel)`,
      );
    return problem(`Slack refused conversations.info for ${channel} (${codeOf(err)})`, NEW_TOKEN);
  }
}

/**
 * A `slack` channel's online check, read-only: the token (auth.test, once for every channel),
 * the bot's place in the channel (conversations.info), and the scopes what the config asks
 * of the channel needs (reviews, user groups; threads need chat:write only).
 */
export async function probeSlackChannel(channel: string, app: SlackApp, ctx: ProbeContext): Promise<Finding[]> {
  const { token, apiUrl } = app;
  if (!token) return [problem('SLACK_BOT_TOKEN is not set', `set it: ${NEW_TOKEN}`)];
  const client = await ctx.once('slack.probe.client', async () => slackClient(token, apiUrl));
  const acct = await ctx.once('slack.probe.account', () => account(client));
  if ('status' in acct) return [acct];
  const found: Finding[] = [ok(`token valid (${acct.user} in ${acct.team})`)];
  if (acct.scopes) {
    const missing = missingScopes(acct.scopes, app, ctx.needs);
    if (missing.length)
      found.push(problem(`the token lacks ${missing.map((s) => `${s} (${SCOPE_USE[s]})`).join(', ')}`, ADD_SCOPES));
    else if (ctx.needs.reviewers.length || ctx.needs.threads)
      found.push(
        ok(
          `scopes cover ${[ctx.needs.threads && 'threads', ctx.needs.reviewers.length && 'reviews'].filter(Boolean).join(' and ')}`,
        ),
      );
  }
  found.push(await membership(client, channel, acct.scopes));
  return found;
}
