import type { Actions } from '../actions/Actions.ts';
import type { Actor } from '../actions/Actor.ts';
import type { CommandContext } from './runCommand.ts';

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
      /** The text the button asked for (a reason), when the click brought it. */
      text?: string | null;
      /** Whether this platform can ask the clicker for a text first (Slack: a modal). */
      canAsk?: boolean;
    };

/** The platform should ask the clicker for a text (a modal), then send the click again with it. */
export interface AskText {
  actionId: string;
  value: string;
  title: string;
  label: string;
  maxLength: number;
}

/** The answer to an input: a text (a command's reply, or a click's private answer; `done`: the click changed something), or a question. */
export type Reply = { text: string; done?: boolean } | { ask: AskText };

/** A button's handler: its private answer to the clicker. */
export type ButtonHandler = (input: Extract<InboundInput, { kind: 'action' }>) => Promise<Reply>;
