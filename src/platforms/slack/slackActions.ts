import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { is, object, optional, size, string, type as shape } from 'superstruct';
import type { Actions } from '../../actions/Actions.ts';
import { chatActor } from '../../actions/Actor.ts';
import {
  ACTION_ID_MAX,
  ACTION_VALUE_MAX,
  actionForLog,
  dispatch,
  NOT_SUPPORTED,
  type AskText,
} from '../../chat/dispatch.ts';
import { chatName } from '../Platform.ts';
import { SLACK_PREFIX } from './mentions.ts';
import { SLACK_LINK_ACTION } from './blocks.ts';

/** What a block_actions click must carry for us to read it (Slack sends more; the rest is ignored). */
const Click = shape({
  user: shape({ id: size(string(), 1, 64), name: optional(size(string(), 0, 200)) }),
  channel: shape({ id: size(string(), 1, 64) }),
  container: optional(shape({ message_ts: optional(size(string(), 1, 64)) })),
  trigger_id: optional(size(string(), 1, 200)),
});
const Button = shape({
  action_id: size(string(), 1, ACTION_ID_MAX),
  value: optional(size(string(), 0, ACTION_VALUE_MAX)),
});
/** What our modal carries from the click to its submission (we wrote it; Slack signs the request). */
const Asked = object({
  value: size(string(), 0, ACTION_VALUE_MAX),
  channel: size(string(), 1, 64),
  ts: optional(string()),
});
const Submission = shape({
  user: shape({ id: size(string(), 1, 64), name: optional(size(string(), 0, 200)) }),
  view: shape({ callback_id: size(string(), 1, ACTION_ID_MAX), private_metadata: size(string(), 0, 3000) }),
});

/** The modal that asks a clicker for a text (a "Not expected" reason), carrying the click to its submission. */
function askView(ask: AskText, channel: string, ts: string | undefined) {
  return {
    type: 'modal' as const,
    callback_id: ask.actionId,
    private_metadata: JSON.stringify({ value: ask.value, channel, ...(ts ? { ts } : {}) }),
    title: { type: 'plain_text' as const, text: ask.title.slice(0, 24) },
    submit: { type: 'plain_text' as const, text: 'Send' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'input' as const,
        block_id: 'text',
        label: { type: 'plain_text' as const, text: ask.label.slice(0, 2000) },
        element: { type: 'plain_text_input' as const, action_id: 'text', multiline: true, max_length: ask.maxLength },
      },
    ],
  };
}

/**
 * Message buttons (`block_actions`) and modal submissions (`view_submission`), over HTTP or
 * Socket Mode alike: the request was verified by the receiver; a click becomes the neutral
 * `action` input for the one dispatcher, whose answer goes to the clicker alone
 * (`response_url`, ephemeral). A button that asks for a text (a reason) opens a modal with the
 * click's trigger id; its submission is the click again, with the text. A click we cannot
 * read gets the "not supported" answer and changes nothing.
 */
export function registerSlackActions(app: App, deps: { actions: Actions; log: Logger }): void {
  // A link button opens its URL in the client; Slack reports the click as well: acknowledged, nothing else.
  app.action(new RegExp(`^${SLACK_LINK_ACTION}`), async ({ ack }) => {
    await ack();
  });
  app.action(new RegExp(`^(?!${SLACK_LINK_ACTION})`), async ({ ack, body, action, respond: reply, client }) => {
    await ack();
    // Bolt gives no respond() when the click carried no response_url (a button in a modal).
    const respond = (text: string) =>
      (reply as typeof reply | undefined)
        ? reply({ response_type: 'ephemeral', replace_original: false, text })
        : Promise.resolve();
    if (!is(body, Click) || !is(action, Button)) {
      deps.log.warn({ type: body.type }, 'Slack interaction refused: not a button click we can read');
      await respond(NOT_SUPPORTED);
      return;
    }
    const ts = body.container?.message_ts;
    const answer = await dispatch({
      kind: 'action',
      actionId: action.action_id,
      value: action.value ?? '',
      channel: chatName(SLACK_PREFIX, body.channel.id),
      actor: chatActor(SLACK_PREFIX, body.user.id, body.user.name),
      messageRef: ts ?? null,
      actions: deps.actions,
      canAsk: body.trigger_id !== undefined,
    });
    deps.log.info(
      { slackChannel: body.channel.id, user: body.user.id, action: actionForLog(action.action_id) },
      'Slack button click',
    );
    if ('text' in answer) return void (await respond(answer.text));
    await client.views.open({ trigger_id: body.trigger_id!, view: askView(answer.ask, body.channel.id, ts) });
  });
  app.view(/.*/, (args) => submitted(args, deps));
}

/** A modal's submission: the click it asked a text for, sent again with the text; refusals show in the modal. */
async function submitted(
  { ack, body }: SlackViewMiddlewareArgs & AllMiddlewareArgs,
  deps: { actions: Actions; log: Logger },
): Promise<void> {
  const meta = is(body, Submission) ? safeJson(body.view.private_metadata) : null;
  if (!is(body, Submission) || !is(meta, Asked)) {
    deps.log.info({ user: body.user.id }, 'Slack modal submission we cannot read: answered not supported');
    await ack({ response_action: 'errors', errors: { text: NOT_SUPPORTED } });
    return;
  }
  const values = (body.view as { state?: { values?: Record<string, Record<string, { value?: unknown }>> } }).state
    ?.values;
  const text = values?.text?.text?.value;
  const answer = await dispatch({
    kind: 'action',
    actionId: body.view.callback_id,
    value: meta.value,
    channel: chatName(SLACK_PREFIX, meta.channel),
    actor: chatActor(SLACK_PREFIX, body.user.id, body.user.name),
    messageRef: meta.ts ?? null,
    actions: deps.actions,
    text: typeof text === 'string' ? text.slice(0, ACTION_VALUE_MAX) : null,
    canAsk: false,
  });
  deps.log.info({ user: body.user.id, action: actionForLog(body.view.callback_id) }, 'Slack modal submission');
  if ('text' in answer && answer.done) await ack();
  else await ack({ response_action: 'errors', errors: { text: 'text' in answer ? answer.text : answer.ask.label } });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
