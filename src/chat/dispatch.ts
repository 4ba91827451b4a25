import { sanitizeLine } from '../render/sanitize.ts';
import { runCommand } from './runCommand.ts';
import { REVIEW_BUTTON_HANDLERS } from './reviewButtons.ts';
import type { ButtonHandler, InboundInput, Reply } from './inbound.ts';

export type { AskText, ButtonHandler, InboundInput, Reply } from './inbound.ts';

/** The buttons vcc-notify acts on, by action id; a click on any other is answered NOT_SUPPORTED. */
export const BUTTONS: Readonly<Record<string, ButtonHandler>> = REVIEW_BUTTON_HANDLERS;

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
export async function dispatch(input: InboundInput): Promise<Reply> {
  if (input.kind === 'command') return { text: await runCommand(input.text, input.context) };
  const handler = Object.hasOwn(BUTTONS, input.actionId) ? BUTTONS[input.actionId] : undefined;
  return handler ? handler(input) : { text: NOT_SUPPORTED };
}

/** A reply as text: a command never asks, and a platform that cannot ask shows the question. */
export const replyText = (r: Reply): string => ('text' in r ? r.text : r.ask.label);

/** An action id and value as a log line may show them: one line, bounded. */
export const actionForLog = (id: string) => sanitizeLine(id).slice(0, 80);
