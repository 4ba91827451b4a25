import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import type { Adapter, SendOutcome } from '../../delivery/Adapter.ts';
import { slackChatPayload } from './blocks.ts';

/** Slack Web API errors retrying cannot fix (https://api.slack.com/methods/chat.postMessage#errors). */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_authed',
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  'restricted_action',
  'team_access_not_granted',
  'ekm_access_denied',
]);

/**
 * A WebClient whose own retries are off and that rejects rate-limited calls instead of
 * pausing its queue, so the delivery worker decides (docs/architecture.md: adapters classify).
 */
export function slackClient(token: string | undefined, apiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
  });
}

/**
 * A thread's root deleted in Slack: a reply to it answers `thread_not_found`, an edit
 * `message_not_found` (https://api.slack.com/methods/chat.postMessage#errors,
 * https://api.slack.com/methods/chat.update#errors).
 */
const ROOT_GONE = new Set(['thread_not_found', 'message_not_found']);

/**
 * chat.postMessage to one channel with the bot token; never sets link_names or parse. A reply
 * goes into its thread with `thread_ts` (and `reply_broadcast` to show it in the channel too:
 * https://api.slack.com/messaging/managing#threading); each message's `ts` comes back as its
 * ref (a root's names its thread), and `update` replaces a message with chat.update
 * (https://api.slack.com/methods/chat.update).
 */
export function slackAdapter(client: WebClient, channel: string): Adapter {
  return {
    async send(m, placement): Promise<SendOutcome> {
      const thread =
        placement?.thread === 'reply'
          ? { thread_ts: placement.root, ...(placement.broadcast ? { reply_broadcast: true } : {}) }
          : {};
      try {
        const res = await client.chat.postMessage({ ...slackChatPayload(channel, m), ...thread });
        return res.ts ? { status: 'sent', ref: res.ts } : { status: 'sent' };
      } catch (e) {
        return classifySlackError(e as WebAPICallError);
      }
    },
    async update(ref, m): Promise<SendOutcome> {
      const { text, blocks } = slackChatPayload(channel, m);
      try {
        await client.chat.update({ channel, ts: ref, text, blocks });
        return { status: 'sent' };
      } catch (e) {
        return classifySlackError(e as WebAPICallError);
      }
    },
  };
}

export function classifySlackError(e: WebAPICallError): SendOutcome {
  if (e.code === ErrorCode.PlatformError && ROOT_GONE.has(String(e.data.error)))
    return { status: 'permanent', reason: `Slack: ${String(e.data.error)}`, rootGone: true };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return {
        status: 'retry',
        reason: 'Slack rate limited (429)',
        retryAfterMs: e.retryAfter * 1000,
        rateLimited: true,
      };
    case ErrorCode.PlatformError: {
      const error = String(e.data.error);
      const hint = error === 'not_in_channel' ? ' (invite the bot: /invite @vcc-notify)' : '';
      return PERMANENT.has(error)
        ? { status: 'permanent', reason: `Slack: ${error}${hint}` }
        : { status: 'retry', reason: `Slack: ${error}` };
    }
    case ErrorCode.HTTPError:
      return e.statusCode >= 500 || e.statusCode === 408
        ? { status: 'retry', reason: `Slack HTTP ${e.statusCode}` }
        : { status: 'permanent', reason: `Slack HTTP ${e.statusCode}` };
    case ErrorCode.RequestError:
      return { status: 'retry', reason: `Slack unreachable: ${e.original?.name ?? 'request error'}` };
    default:
      return { status: 'retry', reason: `Slack: ${(e as Error).message}` };
  }
}
