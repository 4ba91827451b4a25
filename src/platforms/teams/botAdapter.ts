import type { Adapter, SendOutcome } from '../../delivery/Adapter.ts';
import { botActivity } from './card.ts';
import { retryAfterMs } from '../httpOutcome.ts';

/**
 * Statuses Teams asks bots to retry (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit):
 * 429, 412, 502, 504; 500 and 503 are passing faults too.
 */
const RETRY = new Set([412, 429, 500, 502, 503, 504]);

/** One call to a conversation's Bot Framework connector. */
export type ConnectorCall =
  | { op: 'send'; activity: object }
  | { op: 'reply'; replyTo: string; activity: object }
  | { op: 'update'; id: string; activity: object };

/**
 * What each SDK's runtime gives the adapter (runtime.ts: botbuilder, agentsRuntime.ts: the
 * Agents SDK): `call` made in a proactive turn for the stored `reference`, resolving with the
 * connector's answer or rejecting with the SDK's own error (caught inside the turn: both SDKs
 * hand a turn's error to onTurnError, which would let a failed send pass for sent).
 */
export type Connector = (reference: Record<string, unknown>, call: ConnectorCall) => Promise<{ id?: string } | void>;

/** A connector client's conversation operations: botbuilder's `client.conversations`, the Agents SDK's client. */
export interface ConversationOps {
  sendToConversation(conversation: string, activity: never): Promise<{ id?: string }>;
  replyToActivity(conversation: string, replyTo: string, activity: never): Promise<{ id?: string }>;
  updateActivity(conversation: string, id: string, activity: never): Promise<{ id?: string }>;
}

/** Makes `call` with `ops` on `conversation`. */
export function callConnector(ops: ConversationOps, conversation: string, call: ConnectorCall) {
  const a = call.activity as never;
  if (call.op === 'send') return ops.sendToConversation(conversation, a);
  if (call.op === 'reply') return ops.replyToActivity(conversation, call.replyTo, a);
  return ops.updateActivity(conversation, call.id, a);
}

/**
 * Runs `work` in a proactive turn that `turn` starts (an SDK's continueConversation), and
 * rejects with its failure outside the turn: either SDK would hand it to onTurnError.
 */
export async function outsideTheTurn<C, T>(
  turn: (logic: (ctx: C) => Promise<void>) => Promise<void>,
  work: (ctx: C) => Promise<T>,
): Promise<T> {
  type Settled = { ok: true; value: T } | { ok: false; e: unknown };
  const box: { result?: Settled } = {};
  await turn(async (ctx) => {
    box.result = await work(ctx).then(
      (value): Settled => ({ ok: true, value }),
      (e: unknown): Settled => ({ ok: false, e }),
    );
  });
  if (!box.result) throw new Error('the SDK did not run the proactive turn');
  if (!box.result.ok) throw box.result.e;
  return box.result.value;
}

/**
 * Proactive messages to a stored Teams conversation. Every post's activity id comes back as
 * its ref (a root's names its thread); a reply goes into the root's reply chain
 * (replyToActivity); `update` replaces a posted message (updateActivity:
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/update-and-delete-bot-messages).
 * A reply or edit the connector answers 404 has lost its root (deleted in Teams).
 */
export function teamsAdapter(connector: Connector, reference: Record<string, unknown>): Adapter {
  const run = async (call: ConnectorCall): Promise<SendOutcome> => {
    try {
      const r = await connector(reference, call);
      return r?.id ? { status: 'sent', ref: r.id } : { status: 'sent' };
    } catch (e) {
      return classifyTeamsError(e, call.op !== 'send');
    }
  };
  return {
    // A post of its own (sendToConversation), not a reply to the synthetic continuation activity.
    send: (m, placement) =>
      run(
        placement?.thread === 'reply'
          ? { op: 'reply', replyTo: placement.root, activity: botActivity(m) }
          : { op: 'send', activity: botActivity(m) },
      ),
    update: (ref, m) => run({ op: 'update', id: ref, activity: { ...botActivity(m), id: ref } }),
  };
}

/**
 * The connector's failure, from either SDK (botbuilder's RestError: `statusCode`; the Agents
 * SDK's HttpError: `status`; both with the response's headers): retry (with Retry-After) or
 * permanent; a 404 in a thread means its root is gone.
 */
export function classifyTeamsError(e: unknown, threaded: boolean): SendOutcome {
  const err = e as {
    statusCode?: number;
    status?: number;
    response?: { headers?: { get?: (n: string) => string | null | undefined } };
    code?: string;
    cause?: { code?: string };
    message: string;
  };
  const status = err.statusCode ?? err.status;
  if (status === undefined)
    return { status: 'retry', reason: `Teams unreachable: ${err.code ?? err.cause?.code ?? 'request error'}` };
  const reason = `Teams connector answered HTTP ${status}`;
  if (threaded && status === 404) return { status: 'permanent', reason, rootGone: true };
  if (!RETRY.has(status)) return { status: 'permanent', reason };
  const after = retryAfterMs(err.response?.headers?.get?.('retry-after') ?? undefined, Date.now());
  return {
    status: 'retry',
    reason,
    ...(after !== undefined ? { retryAfterMs: after } : {}),
    rateLimited: status === 429,
  };
}
