import type { Actions } from '../actions/Actions.ts';
import type { Actor } from '../actions/Actor.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { runCommand, type CommandContext } from './runCommand.ts';

/**
 * What a chat platform hands on once it has verified a request: a command typed in a channel,
 * or a click on a message's button (an action id, the opaque value the button carried, and
 * the platform's reference of the message it was on). The actor and the channel come from
 * the platform's verified request, never from the button.
 */
export type InboundInput =
  | { kind: 'command'; text: string; context: CommandContext }
  | {
      kind: 'action';
      actionId: string;
      value: string;
      channel: string;
      actor: Actor;
      /** The message the button was on, as the platform names it (Slack ts, Teams activity id), if known. */
      messageRef: string | null;
      actions: Actions;
    };

/** A button's handler: its private answer to the clicker. */
export type ButtonHandler = (input: Extract<InboundInput, { kind: 'action' }>) => Promise<string>;

/** The buttons vcc-notify acts on, by action id; a click on any other is answered NOT_SUPPORTED. */
export const BUTTONS: Readonly<Record<string, ButtonHandler>> = {};

/** The private answer to a click on a button vcc-notify does not act on (yet). */
export const NOT_SUPPORTED = 'vcc-notify does not support this button yet: nothing was changed.';

/** The longest action id and value a click may carry (Slack's own limits: 255 and 2,000 characters). */
export const ACTION_ID_MAX = 255;
export const ACTION_VALUE_MAX = 2_000;

/**
 * The one inbound dispatch: a command runs the chat grammar (which calls the actions); a click
 * calls its button's handler. Returns the reply: in the channel's thread for a command, to the
 * clicker alone for a click. Never throws for bad input.
 */
export async function dispatch(input: InboundInput): Promise<string> {
  if (input.kind === 'command') return runCommand(input.text, input.context);
  const handler = Object.hasOwn(BUTTONS, input.actionId) ? BUTTONS[input.actionId] : undefined;
  return handler ? handler(input) : NOT_SUPPORTED;
}

/** An action id and value as a log line may show them: one line, bounded. */
export const actionForLog = (id: string) => sanitizeLine(id).slice(0, 80);
