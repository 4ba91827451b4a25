import type { ChannelType } from '../config/NotifyConfig.ts';
import type { Target } from '../render/escape.ts';
import type { RateWindow } from './RateLimiter.ts';

/**
 * Per-channel send limits the worker keeps to, so it does not draw a 429.
 * - Slack chat.postMessage: about 1 message per second per channel
 *   (https://api.slack.com/methods/chat.postMessage#rate_limiting); incoming webhooks the
 *   same (https://api.slack.com/apis/rate-limits#incoming-webhooks).
 * - Teams bot, per conversation: 7/1 s, 8/2 s, 60/30 s, 1800/h
 *   (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit).
 * - Teams Workflows: Power Automate throttles per flow; 1/s keeps a channel readable.
 * One-per-second windows carry a 50 ms margin so clock and network jitter never make two
 * sends land inside one second at the platform.
 */
export const CHANNEL_LIMITS: Record<ChannelType, readonly RateWindow[]> = {
  slack: [{ count: 1, windowMs: 1050 }],
  'slack-webhook': [{ count: 1, windowMs: 1050 }],
  'teams-workflow': [{ count: 1, windowMs: 1050 }],
  teams: [{ count: 7, windowMs: 1000 }, { count: 8, windowMs: 2000 }, { count: 60, windowMs: 30_000 }, { count: 1800, windowMs: 3_600_000 }],
  console: [],
};

export const TARGET_OF: Record<ChannelType, Target> = {
  slack: 'slack', 'slack-webhook': 'slack', 'teams-workflow': 'teams', teams: 'teams', console: 'console',
};

/** Events per digest message: keeps a Slack message within 50 blocks and a card within 28 KB. */
export const DIGEST_PER_MESSAGE: Record<Target, number> = { slack: 100, teams: 60, console: 100 };
