import type { Message } from '../render/Message.ts';

/**
 * What one send attempt came to. Adapters classify; the worker decides what happens next.
 * - sent: the platform took it (for Teams Workflows, 202 Accepted); `ref` is the platform's
 *   id of the message it posted (Slack ts, Teams activity id), where it gives one (webhooks
 *   do not): stored with the deliveries it carried, a thread root's ref names the thread.
 * - retry: a passing failure (429, 5xx, network); `retryAfterMs` when the platform said.
 * - permanent: retrying cannot help (bad channel, revoked token, 4xx); `reason` says why;
 *   `rootGone` when a reply or an edit failed because the thread's root no longer exists
 *   (deleted in the chat): the worker starts a new root.
 * Reasons never hold a token or a webhook URL.
 */
export type SendOutcome =
  | { status: 'sent'; ref?: string }
  | { status: 'retry'; reason: string; retryAfterMs?: number; rateLimited?: boolean }
  | { status: 'permanent'; reason: string; rootGone?: boolean };

/**
 * Where a message goes on a channel with `thread: agent` (none: the channel itself).
 * - root: it starts an agent's thread; `key` is the thread's stable name (Google Chat's
 *   threadKey, the console's `thread`), which platforms that name threads themselves ignore.
 * - reply: into the thread whose root is `root` (the `ref` its send returned, or its key);
 *   `broadcast`: shown in the channel too.
 */
export type Placement = { thread: 'root'; key: string } | { thread: 'reply'; root: string; broadcast: boolean };

/** Sends one rendered message to one target. Never retries or sleeps itself. */
export interface Adapter {
  send(message: Message, placement?: Placement): Promise<SendOutcome>;
  /**
   * Replaces the sent message `ref` (a thread's root, or any message a send returned the ref
   * of) with `message`, where the platform lets a sent message change.
   */
  update?(ref: string, message: Message): Promise<SendOutcome>;
}
