import { escapeEntities } from '../escapeEntities.ts';

/**
 * Escapes text for Slack mrkdwn: `&`, `<`, `>` become entities, so a name like `<!channel>`
 * or `<@U123>` pings nobody and `<https://x|y>` links nowhere
 * (https://api.slack.com/reference/surfaces/formatting#escaping).
 */
export const escapeSlack = escapeEntities;
