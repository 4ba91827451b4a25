import type { Logger } from 'pino';
import type { Context } from 'koa';
import type { Adapter } from '../../delivery/Adapter.ts';
import type { Actions } from '../../actions/Actions.ts';
import { chatActor } from '../../actions/Actor.ts';
import type { Route } from '../../routing/route.ts';
import type { ConversationStore } from '../../store/Store.ts';
import { helpText } from '../../chat/grammar.ts';
import { dispatch, replyText } from '../../chat/dispatch.ts';
import { answerClick, cardClick } from './cardClicks.ts';
import type { Mention } from '../../routing/route.ts';
import type { Subscriptions } from '../../chat/Subscriptions.ts';
import { chatName } from '../Platform.ts';
import { TEAMS_MENTION_HELP, TEAMS_PREFIX, type TeamsSdk } from './env.ts';
import { escapeTeams } from './escape.ts';

/** The Teams bot on one SDK (TEAMS_SDK: runtime.ts, agentsRuntime.ts): proactive sends, and `POST /api/messages`. */
export interface TeamsRuntime {
  sdk: TeamsSdk;
  /** The adapter that sends proactively to a stored conversation reference. */
  adapter(reference: Record<string, unknown>): Adapter;
  /** The Koa handler for `POST /api/messages`. */
  handler(deps: TeamsBotDeps): (ctx: Context) => Promise<void>;
}

export interface TeamsBotDeps {
  store: ConversationStore;
  log: Logger;
  clock: () => number;
  subscriptions: Subscriptions;
  fileRoutesFor: (conversationId: string) => Array<{ name: string; route: Route }>;
  /** What people do from chat, checked (TEAMS_COMMAND_USERS, set on the policy at mount) and recorded. */
  actions: Actions;
}

/** Who an activity names: an id, a display name and, for people, their Entra object id. */
interface Account {
  id?: string;
  name?: string;
  aadObjectId?: string;
}

/**
 * What the bot reads of an incoming Bot Framework activity: the same fields in botbuilder's
 * and the Agents SDK's Activity, so one logic serves both (TEAMS_SDK).
 */
export interface InboundActivity {
  type?: string;
  /** An invoke's name (`adaptiveCard/action` for a card's Action.Execute). */
  name?: string;
  /** An invoke's payload, or an Action.Submit's data on a message. */
  value?: unknown;
  replyToId?: string;
  action?: string;
  text?: string;
  channelId?: string;
  serviceUrl?: string;
  locale?: string;
  conversation?: Account & { id: string };
  from?: Account;
  recipient?: Account;
  membersAdded?: Account[];
  entities?: Array<{ type?: string; text?: string; mentioned?: unknown }>;
}

/** A turn as either SDK's TurnContext offers it: the activity, and a reply in its conversation (or an invoke's response). */
export interface TeamsTurn {
  activity: InboundActivity;
  sendActivity(
    activity: string | { type: 'invokeResponse'; value: { status: number; body: unknown } },
  ): Promise<unknown>;
  /**
   * The e-mail of a member of this turn's conversation (`GET v3/conversations/{id}/members/{user}`
   * through the SDK's connector client), or null when the connector gives none.
   */
  memberEmail(userId: string): Promise<string | null>;
}

/**
 * The reference proactive sends need, in Bot Framework's shape (`bot` for the bot's account,
 * as botbuilder stores it; the Agents runtime reads it as `agent`), for the channel `id`.
 */
export function conversationReference(a: InboundActivity, id: string): Record<string, unknown> {
  return {
    user: a.from,
    bot: a.recipient,
    conversation: { ...a.conversation, id },
    channelId: a.channelId,
    ...(a.locale ? { locale: a.locale } : {}),
    serviceUrl: a.serviceUrl,
  };
}

/** The text of a message less the bot's own @mention (the `<at>bot</at>` Teams puts in it). */
export function textWithoutBotMention(a: InboundActivity): string {
  let text = a.text ?? '';
  for (const e of a.entities ?? []) {
    const who = e.mentioned as Account | undefined;
    if (e.type === 'mention' && who?.id !== undefined && who.id === a.recipient?.id && e.text)
      text = text.split(e.text).join('');
  }
  return text.trim();
}

/** A channel thread's conversation id carries `;messageid=...`; the channel itself does not. */
export const channelConversationId = (id: string) => id.split(';')[0]!;

/**
 * The Teams bot's turn logic. Every activity refreshes the conversation reference
 * (proactive sends need it, stored for the channel, not the thread). Being added to a team
 * or channel posts a short welcome with help; `@bot subscribe|unsubscribe|list|test|help`
 * runs the same commands as Slack's `/vcc`, replying in the thread. A card's button click
 * (an `adaptiveCard/action` invoke, or an Action.Submit message) goes to the same dispatcher
 * (cardClicks.ts).
 */
export function teamsBotLogic(deps: TeamsBotDeps) {
  return async (ctx: TeamsTurn): Promise<void> => {
    const a = ctx.activity;
    if (!a.conversation?.id) return;
    const id = channelConversationId(a.conversation.id);
    const added =
      (a.type === 'installationUpdate' && a.action !== 'remove') ||
      (a.type === 'conversationUpdate' && (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id));
    const reference = conversationReference(a, id);
    await deps.store.saveConversation({ id, reference, name: a.conversation.name ?? null, updatedAt: deps.clock() });
    if (added) {
      deps.log.info(
        { conversation: id, name: a.conversation.name ?? null },
        'Teams bot added to a conversation; reference stored',
      );
      await ctx.sendActivity(
        `Hello! I post VCC Live user changes here once this channel subscribes.\n\n${helpText(TEAMS_MENTION_HELP).replace(/\n/g, '\n\n')}`,
      );
      return;
    }
    const click = cardClick(a);
    if (click) return answerClick(ctx, deps, click, id);
    if (a.type !== 'message') return;
    const text = textWithoutBotMention(a);
    const reply = replyText(
      await dispatch({
        kind: 'command',
        text,
        context: {
          channel: chatName(TEAMS_PREFIX, id),
          // The Entra object id is what TEAMS_COMMAND_USERS lists; without one, nobody listed matches.
          actor: chatActor(
            TEAMS_PREFIX,
            a.from?.aadObjectId ?? `bot-framework:${a.from?.id ?? 'unknown'}`,
            a.from?.name,
          ),
          actions: deps.actions,
          escape: escapeTeams,
          subscriptions: deps.subscriptions,
          fileRoutes: deps.fileRoutesFor(id),
          mentions: (after) => readTeamsMentions(a, after),
          mentionHelp: TEAMS_MENTION_HELP,
        },
      }),
    );
    deps.log.info({ conversation: id, command: text.split(/\s+/)[0] || 'help' }, 'Teams bot command');
    await ctx.sendActivity(reply.replace(/\n/g, '\n\n'));
  };
}

/**
 * The people @mentioned after `mention` in a bot command: Teams sends each as `<at>Name</at>`
 * in the text with an entity naming the person; the bot's own mention is not one of them.
 */
export function readTeamsMentions(a: InboundActivity, after: string): Mention[] | string {
  const people: Mention[] = [];
  for (const e of a.entities ?? []) {
    const who = (e as { type?: string; mentioned?: { id?: unknown; name?: unknown } }).mentioned;
    if (people.length === 20) break;
    if (e.type !== 'mention' || typeof who !== 'object' || who === null || who.id === a.recipient?.id) continue;
    if (typeof who.id !== 'string' || typeof who.name !== 'string' || who.id.length > 200) continue;
    const name = who.name.replace(/[<>\r\n]/g, '').slice(0, 80);
    if (name && after.includes(`<at>${who.name}</at>`) && !people.some((p) => typeof p !== 'string' && p.id === who.id))
      people.push({ id: who.id, name });
  }
  return people.length ? people : 'no one was @mentioned after "mention": type @ and pick the people in Teams';
}
