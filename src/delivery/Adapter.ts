import type { Message } from '../render/Message.ts';

/**
 * What one send attempt came to. Adapters classify; the worker decides what happens next.
 * - sent: the platform took it (for Teams Workflows, 202 Accepted).
 * - retry: a passing failure (429, 5xx, network); `retryAfterMs` when the platform said.
 * - permanent: retrying cannot help (bad channel, revoked token, 4xx); `reason` says why.
 * Reasons never hold a token or a webhook URL.
 */
export type SendOutcome =
  | { status: 'sent' }
  | { status: 'retry'; reason: string; retryAfterMs?: number; rateLimited?: boolean }
  | { status: 'permanent'; reason: string };

/** Sends one rendered message to one target. Never retries or sleeps itself. */
export interface Adapter {
  send(message: Message): Promise<SendOutcome>;
}
