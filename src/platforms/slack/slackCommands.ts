import { App, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Actions } from '../../actions/Actions.ts';
import { parseCommandUsers, type ChangePolicy, type PlatformRule } from '../../actions/ChangePolicy.ts';
import { chatActor } from '../../actions/Actor.ts';
import type { Route } from '../../routing/route.ts';
import { dispatch, replyText } from '../../chat/dispatch.ts';
import { registerSlackActions } from './slackActions.ts';
import { readSlackMentions, SLACK_MENTION_HELP, SLACK_PREFIX } from './mentions.ts';
import type { Subscriptions } from '../../chat/Subscriptions.ts';
import { chatName } from '../Platform.ts';
import { KoaReceiver } from './koaReceiver.ts';
import { SocketReceiver } from './socketReceiver.ts';
import { escapeSlack } from './escape.ts';

type SlackClient = App['client'];

/** Whether a Slack user is an admin or owner of the workspace (SLACK_COMMAND_USERS=admins). */
async function isWorkspaceAdmin(client: SlackClient, user: string): Promise<boolean> {
  const info = await client.users.info({ user });
  return Boolean(info.user?.is_admin || info.user?.is_owner);
}

/** How long a user group's members are used before they are read again. */
const GROUP_CACHE_MS = 5 * 60_000;

/** User groups' members (usergroups.users.list), each read at most every few minutes. */
class GroupMembers {
  private readonly cache = new Map<string, { at: number; users: readonly string[] }>();

  constructor(
    private readonly client: SlackClient,
    private readonly clock: () => number,
  ) {}

  /** A user group's members; null for an id that is not a user group (`S…`). */
  async of(group: string): Promise<readonly string[] | null> {
    if (!group.startsWith('S')) return null;
    const hit = this.cache.get(group);
    if (hit && this.clock() - hit.at < GROUP_CACHE_MS) return hit.users;
    const users = (await this.client.usergroups.users.list({ usergroup: group })).users ?? [];
    if (this.cache.size >= 1_000) this.cache.clear();
    this.cache.set(group, { at: this.clock(), users });
    return users;
  }
}

/** Slack's rule for the policy: SLACK_COMMAND_USERS, workspace admins, user groups' members, e-mails. */
function slackRule(client: SlackClient, deps: Pick<SlackCommandDeps, 'commandUsers' | 'clock'>): PlatformRule {
  const groups = new GroupMembers(client, deps.clock);
  return {
    variable: 'SLACK_COMMAND_USERS',
    users: parseCommandUsers(deps.commandUsers),
    isAdmin: (user) => isWorkspaceAdmin(client, user),
    members: (group) => groups.of(group),
    emailOf: async (user) => (await client.users.info({ user })).user?.profile?.email ?? null,
  };
}

/** After a subscribe: how to invite the bot, when it is not in the channel. */
async function inviteAdvice(client: SlackClient, channel: string): Promise<string | null> {
  try {
    const info = await client.conversations.info({ channel });
    return info.channel?.is_member
      ? null
      : "The vcc-notify bot is not in this channel yet: invite it with /invite @vcc-notify (your app's name), or notifications cannot be posted.";
  } catch {
    return "The vcc-notify bot cannot see this channel: invite it with /invite @vcc-notify (your app's name).";
  }
}

export interface SlackCommandDeps {
  signingSecret: string;
  /** App-level token (xapp-...): take commands over Socket Mode instead of HTTP. */
  appToken?: string;
  botToken: string | undefined;
  apiUrl: string | undefined;
  /** Who may change a channel: unset or "anyone", "admins" (workspace admins/owners), or user ids. */
  commandUsers: string | undefined;
  subscriptions: Subscriptions;
  fileRoutesFor: (slackChannelId: string) => Array<{ name: string; route: Route }>;
  actions: Actions;
  policy: ChangePolicy;
  log: Logger;
  clock: () => number;
}

/**
 * `/vcc` served by Bolt: subscribe, unsubscribe, list, test, help for the channel it is
 * typed in. Replies are ephemeral, in the HTTP answer (within Slack's 3 s); `test` answers at
 * once and reports the send through `response_url`. Message buttons and modals
 * (slackActions.ts) go to the same dispatcher. With `appToken` all of it comes over Socket
 * Mode (no public URL needed); `start()` opens that connection.
 */
export function createSlackCommands(deps: SlackCommandDeps) {
  const receiver = deps.appToken ? null : new KoaReceiver(deps.signingSecret, deps.log, deps.clock);
  const socket = deps.appToken ? new SocketReceiver(deps.appToken, deps.apiUrl, deps.log) : null;
  const app = new App({
    receiver: receiver ?? socket!,
    token: deps.botToken ?? 'xoxb-not-configured',
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    clientOptions: {
      ...(deps.apiUrl ? { slackApiUrl: deps.apiUrl.endsWith('/') ? deps.apiUrl : `${deps.apiUrl}/` } : {}),
      retryConfig: { retries: 0 },
    },
  });

  deps.policy.setRule(SLACK_PREFIX, slackRule(app.client, deps));

  app.command('/vcc', async ({ command, ack, respond, client }) => {
    const channel = chatName(SLACK_PREFIX, command.channel_id);
    const afterSubscribe = () => inviteAdvice(client, command.channel_id);
    const isTest = command.text.trim().toLowerCase() === 'test';
    if (isTest) await ack({ response_type: 'ephemeral', text: 'Sending a sample notification here…' });
    const context = {
      channel,
      actor: chatActor(SLACK_PREFIX, command.user_id, command.user_name),
      actions: deps.actions,
      escape: escapeSlack,
      subscriptions: deps.subscriptions,
      fileRoutes: deps.fileRoutesFor(command.channel_id),
      afterSubscribe,
      mentions: readSlackMentions,
      mentionHelp: SLACK_MENTION_HELP,
    };
    const text = replyText(await dispatch({ kind: 'command', text: command.text, context }));
    deps.log.info(
      { slackChannel: command.channel_id, user: command.user_id, command: command.text.split(/\s+/)[0] ?? 'help' },
      'Slack /vcc command',
    );
    // A late answer reaches the user all the same: the receiver said WORKING and sends it on (ackDeadline.ts).
    if (isTest) await respond({ response_type: 'ephemeral', text });
    else await ack({ response_type: 'ephemeral', text });
  });

  registerSlackActions(app, deps);

  return {
    app,
    /** The Koa handler for `POST /slack/events` (HTTP mode), or null in Socket Mode. */
    handler: receiver ? receiver.handler() : null,
    start: async () => {
      await socket?.start();
    },
    stop: async () => {
      await socket?.stop();
    },
  };
}
