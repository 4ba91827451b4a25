import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { ClaimsIdentity, type ConnectorClient } from 'botframework-connector';
import type { Adapter, SendOutcome } from '../../delivery/Adapter.ts';
import { botActivity } from './card.ts';
import { retryAfterMs } from '../httpOutcome.ts';

/**
 * Statuses Teams asks bots to retry (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit):
 * 429, 412, 502, 504; 500 and 503 are passing faults too.
 */
const RETRY = new Set([412, 429, 500, 502, 503, 504]);

/**
 * Proactive message to a stored Teams conversation through botbuilder's CloudAdapter.
 * Without an app id (local runs and tests) the send is made with an anonymous identity.
 */
export function teamsAdapter(
  cloud: CloudAdapter,
  appId: string | undefined,
  reference: Record<string, unknown>,
): Adapter {
  return {
    async send(m): Promise<SendOutcome> {
      try {
        const ref = reference as Partial<ConversationReference>;
        await cloud.continueConversationAsync(appId || new ClaimsIdentity([], true), ref, async (ctx) => {
          // sendToConversation, not sendActivity: a proactive notice starts its own post in the
          // channel instead of replying to the synthetic continuation activity.
          const client = ctx.turnState.get<ConnectorClient>(cloud.ConnectorClientKey);
          await client.conversations.sendToConversation(ref.conversation!.id, botActivity(m));
        });
        return { status: 'sent' };
      } catch (e) {
        const err = e as {
          statusCode?: number;
          response?: { headers?: { get?: (n: string) => string | undefined } };
          code?: string;
          message: string;
        };
        const status = err.statusCode;
        if (status === undefined)
          return { status: 'retry', reason: `Teams unreachable: ${err.code ?? 'request error'}` };
        const reason = `Teams connector answered HTTP ${status}`;
        if (!RETRY.has(status)) return { status: 'permanent', reason };
        const after = retryAfterMs(err.response?.headers?.get?.('retry-after'), Date.now());
        return {
          status: 'retry',
          reason,
          ...(after !== undefined ? { retryAfterMs: after } : {}),
          rateLimited: status === 429,
        };
      }
    },
  };
}
