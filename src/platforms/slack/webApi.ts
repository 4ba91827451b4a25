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

/** chat.postMessage to one channel with the bot token; never sets link_names or parse. */
export function slackAdapter(client: WebClient, channel: string): Adapter {
  return {
    async send(m): Promise<SendOutcome> {
      try {
        await client.chat.postMessage(slackChatPayload(channel, m));
        return { status: 'sent' };
      } catch (e) {
        return classifySlackError(e as WebAPICallError);
      }
    },
  };
}

export function classifySlackError(e: WebAPICallError): SendOutcome {
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
