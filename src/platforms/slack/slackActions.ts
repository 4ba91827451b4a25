import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { is, optional, size, string, type as shape } from 'superstruct';
import type { Actions } from '../../actions/Actions.ts';
import { chatActor } from '../../actions/Actor.ts';
import { ACTION_ID_MAX, ACTION_VALUE_MAX, actionForLog, dispatch, NOT_SUPPORTED } from '../../chat/dispatch.ts';
import { chatName } from '../Platform.ts';
import { SLACK_PREFIX } from './mentions.ts';
import { SLACK_LINK_ACTION } from './blocks.ts';

/** What a block_actions click must carry for us to read it (Slack sends more; the rest is ignored). */
const Click = shape({
  user: shape({ id: size(string(), 1, 64), name: optional(size(string(), 0, 200)) }),
  channel: shape({ id: size(string(), 1, 64) }),
  container: optional(shape({ message_ts: optional(size(string(), 1, 64)) })),
});
const Button = shape({
  action_id: size(string(), 1, ACTION_ID_MAX),
  value: optional(size(string(), 0, ACTION_VALUE_MAX)),
});

/**
 * Message buttons (`block_actions`) and modal submissions (`view_submission`), over HTTP or
 * Socket Mode alike: the request was verified by the receiver; a click becomes the neutral
 * `action` input for the one dispatcher, whose answer goes to the clicker alone
 * (`response_url`, ephemeral). A click we cannot read, or a modal, gets the "not supported"
 * answer and changes nothing.
 */
export function registerSlackActions(app: App, deps: { actions: Actions; log: Logger }): void {
  // A link button opens its URL in the client; Slack reports the click as well: acknowledged, nothing else.
  app.action(new RegExp(`^${SLACK_LINK_ACTION}`), async ({ ack }) => {
    await ack();
  });
  app.action(new RegExp(`^(?!${SLACK_LINK_ACTION})`), async ({ ack, body, action, respond: reply }) => {
    await ack();
    // Bolt gives no respond() when the click carried no response_url (a button in a modal).
    const respond = (m: Parameters<typeof reply>[0]) =>
      (reply as typeof reply | undefined) ? reply(m) : Promise.resolve();
    if (!is(body, Click) || !is(action, Button)) {
      deps.log.warn({ type: body.type }, 'Slack interaction refused: not a button click we can read');
      await respond({ response_type: 'ephemeral', replace_original: false, text: NOT_SUPPORTED });
      return;
    }
    const text = await dispatch({
      kind: 'action',
      actionId: action.action_id,
      value: action.value ?? '',
      channel: chatName(SLACK_PREFIX, body.channel.id),
      actor: chatActor(SLACK_PREFIX, body.user.id, body.user.name),
      messageRef: body.container?.message_ts ?? null,
      actions: deps.actions,
    });
    deps.log.info(
      { slackChannel: body.channel.id, user: body.user.id, action: actionForLog(action.action_id) },
      'Slack button click',
    );
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  });
  app.view(/.*/, async ({ ack, body }) => {
    deps.log.info({ user: body.user.id }, 'Slack modal submission: not supported yet');
    await ack({
      response_action: 'update',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'vcc-notify' },
        blocks: [{ type: 'section', text: { type: 'plain_text', text: NOT_SUPPORTED } }],
      },
    });
  });
}
