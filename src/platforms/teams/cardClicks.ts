import { is, object, optional, record, size, string, type as shape, unknown } from 'superstruct';
import { chatActor } from '../../actions/Actor.ts';
import { ACTION_ID_MAX, ACTION_VALUE_MAX, actionForLog, dispatch, replyText } from '../../chat/dispatch.ts';
import { chatName } from '../Platform.ts';
import { TEAMS_PREFIX } from './env.ts';
import type { Logger } from 'pino';
import type { Actions } from '../../actions/Actions.ts';

/** What a click's handling reads of an activity (bot.ts's InboundActivity has it). */
interface ClickActivity {
  type?: string;
  name?: string;
  value?: unknown;
  text?: string;
  replyToId?: string;
  from?: { id?: string; name?: string; aadObjectId?: string };
}

/** A turn as bot.ts's TeamsTurn offers it. */
interface ClickTurn {
  activity: ClickActivity;
  sendActivity(
    activity: string | { type: 'invokeResponse'; value: { status: number; body: unknown } },
  ): Promise<unknown>;
  memberEmail(userId: string): Promise<string | null>;
}

/**
 * What our buttons put in `data` (the action id and its opaque value), and the card's text
 * input the client merges in (`text`: a reason). An Action.Submit's data comes as the message's value.
 */
const ClickData = object({
  vccAction: size(string(), 1, ACTION_ID_MAX),
  value: optional(size(string(), 0, ACTION_VALUE_MAX)),
  text: optional(size(string(), 0, ACTION_VALUE_MAX)),
});
/** An `adaptiveCard/action` invoke's value (Universal Actions): the Action.Execute's verb and data. */
const Execute = shape({
  action: shape({ verb: optional(size(string(), 0, ACTION_ID_MAX)), data: optional(record(string(), unknown())) }),
});

/** A click on one of a card's buttons, as the bot reads it from either delivery of it. */
export interface CardClick {
  actionId: string;
  value: string;
  /** The card's text input (a reason), when it had one filled in. */
  text: string | null;
  /** An invoke wants its answer as the HTTP response; a submit is answered in the thread. */
  invoke: boolean;
}

/**
 * The click an activity carries, or null: an `adaptiveCard/action` invoke (Action.Execute:
 * the verb is the action id), or a message whose value is an Action.Submit's data (clients
 * without Universal Actions). An invoke we cannot read is a click on an unknown button.
 */
export function cardClick(a: ClickActivity): CardClick | null {
  if (a.type === 'invoke' && a.name === 'adaptiveCard/action') {
    if (!is(a.value, Execute)) return { actionId: '', value: '', text: null, invoke: true };
    const data = a.value.action.data;
    const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, ACTION_VALUE_MAX) : null);
    return { actionId: a.value.action.verb ?? '', value: str(data?.value) ?? '', text: str(data?.text), invoke: true };
  }
  if (a.type === 'message' && !a.text && is(a.value, ClickData))
    return { actionId: a.value.vccAction, value: a.value.value ?? '', text: a.value.text ?? null, invoke: false };
  return null;
}

/**
 * Dispatches a click and answers the clicker: an invoke with its response (a message only
 * they see; Teams shows it on the card), a submit with a reply in the thread.
 */
export async function answerClick(
  ctx: ClickTurn,
  deps: { actions: Actions; log: Logger },
  click: CardClick,
  id: string,
): Promise<void> {
  const a = ctx.activity;
  const answer = await dispatch({
    kind: 'action',
    actionId: click.actionId,
    value: click.value,
    channel: chatName(TEAMS_PREFIX, id),
    actor: {
      ...chatActor(TEAMS_PREFIX, a.from?.aadObjectId ?? `bot-framework:${a.from?.id ?? 'unknown'}`, a.from?.name),
      // Teams puts no e-mail on an activity: the connector's member lookup, asked only by a review.
      ...(a.from?.id && { email: () => ctx.memberEmail(a.from!.id!) }),
    },
    messageRef: a.replyToId ?? null,
    actions: deps.actions,
    text: click.text,
    canAsk: false,
  });
  const text = replyText(answer);
  deps.log.info(
    { conversation: id, action: actionForLog(click.actionId), invoke: click.invoke },
    'Teams card button click',
  );
  if (!click.invoke) {
    await ctx.sendActivity(text);
    return;
  }
  await ctx.sendActivity({
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
  });
}
