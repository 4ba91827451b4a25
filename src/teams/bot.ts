import { TurnContext, type Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Store } from '../store/Store.ts';

/**
 * The Teams bot's turn logic. Every activity from a conversation refreshes its stored
 * conversation reference (proactive sends need it); being added to a team or channel
 * (installationUpdate, or conversationUpdate adding the bot) is logged with the id to put
 * in a `teams` channel's `conversation:`.
 */
export function teamsBotLogic(deps: { store: Store; log: Logger; clock: () => number }) {
  return async (ctx: TurnContext): Promise<void> => {
    const a: Activity = ctx.activity;
    const id = a.conversation?.id;
    if (!id) return;
    const added = a.type === 'installationUpdate' && a.action !== 'remove'
      || a.type === 'conversationUpdate' && (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
    const reference = TurnContext.getConversationReference(a) as unknown as Record<string, unknown>;
    await deps.store.saveConversation({ id, reference, name: a.conversation.name ?? null, updatedAt: deps.clock() });
    if (added) deps.log.info({ conversation: id, name: a.conversation.name ?? null }, 'Teams bot added to a conversation; reference stored');
  };
}
