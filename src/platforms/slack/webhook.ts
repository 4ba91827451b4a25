import type { Adapter } from '../../delivery/Adapter.ts';
import { postJson } from '../httpOutcome.ts';
import { slackPayload } from './blocks.ts';

/**
 * Slack incoming webhook (https://api.slack.com/messaging/webhooks): 200 "ok" is sent;
 * 400 invalid_payload, 403 action_prohibited, 404 channel_not_found/no_service, 410
 * channel_is_archived are permanent; 429 and 5xx retry.
 */
export function slackWebhookAdapter(url: string, fetcher: typeof fetch = fetch, now: () => number = Date.now): Adapter {
  return { send: (m) => postJson(fetcher, url, slackPayload(m), 'Slack webhook', now) };
}
