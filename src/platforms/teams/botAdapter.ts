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
 * Proactive messages to a stored Teams conversation through botbuilder's CloudAdapter.
 * Without an app id (local runs and tests) the send is made with an anonymous identity.
 * A thread's root is a new post (its activity id comes back as the ref), a reply goes into
 * the root's reply chain (replyToActivity), an edit replaces the root (updateActivity:
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/update-and-delete-bot-messages).
 * A reply or edit the connector answers 404 has lost its root (deleted in Teams).
 */
export function teamsAdapter(
  cloud: CloudAdapter,
  appId: string | undefined,
  reference: Record<string, unknown>,
): Adapter {
  const ref = reference as Partial<ConversationReference>;
  /** Runs `call` with the conversation's connector client; its answer, or the failure classified. */
  const withClient = async (
    call: (client: ConnectorClient, conversation: string) => Promise<{ id?: string } | void>,
    threaded: boolean,
  ): Promise<SendOutcome> => {
    // The call's failure is caught inside the turn: CloudAdapter hands a turn's error to
    // onTurnError (which logs it) instead of rejecting, so a failed send would pass for sent.
    let failure: { e: unknown } | null = null;
    let id: string | undefined;
    try {
      await cloud.continueConversationAsync(appId || new ClaimsIdentity([], true), ref, async (ctx) => {
        const client = ctx.turnState.get<ConnectorClient>(cloud.ConnectorClientKey);
        id = await call(client, ref.conversation!.id).then(
          (r) => r?.id,
          (e: unknown) => void (failure = { e }),
        );
      });
    } catch (e) {
      failure = { e };
    }
    if (failure) return classifyTeamsError((failure as { e: unknown }).e, threaded);
    return id ? { status: 'sent', ref: id } : { status: 'sent' };
  };
  return {
    send: (m, placement) =>
      withClient(
        // sendToConversation, not sendActivity: a proactive notice starts its own post in the
        // channel instead of replying to the synthetic continuation activity.
        (client, conversation) =>
          placement?.thread === 'reply'
            ? client.conversations.replyToActivity(conversation, placement.root, botActivity(m))
            : client.conversations.sendToConversation(conversation, botActivity(m)),
        placement?.thread === 'reply',
      ),
    edit: (root, m) =>
      withClient(
        (client, conversation) =>
          client.conversations.updateActivity(conversation, root, { ...botActivity(m), id: root }),
        true,
      ),
  };
}

/** The connector's failure: retry (with Retry-After) or permanent; a 404 in a thread means its root is gone. */
export function classifyTeamsError(e: unknown, threaded: boolean): SendOutcome {
  const err = e as {
    statusCode?: number;
    response?: { headers?: { get?: (n: string) => string | undefined } };
    code?: string;
    message: string;
  };
  const status = err.statusCode;
  if (status === undefined) return { status: 'retry', reason: `Teams unreachable: ${err.code ?? 'request error'}` };
  const reason = `Teams connector answered HTTP ${status}`;
  if (threaded && status === 404) return { status: 'permanent', reason, rootGone: true };
  if (!RETRY.has(status)) return { status: 'permanent', reason };
  const after = retryAfterMs(err.response?.headers?.get?.('retry-after'), Date.now());
  return {
    status: 'retry',
    reason,
    ...(after !== undefined ? { retryAfterMs: after } : {}),
    rateLimited: status === 429,
  };
}
