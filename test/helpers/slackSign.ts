import { createHmac } from 'node:crypto';

/** Headers Slack sends with a request: `v0=` HMAC-SHA256 of `v0:TIMESTAMP:BODY` (https://api.slack.com/authentication/verifying-requests-from-slack). */
export function slackSignature(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const sig = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${sig}` };
}

/** The form body of a slash command as Slack posts it. */
export function slashCommand(fields: { text: string; channel_id: string; user_id: string; response_url: string }) {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0TEAM',
    team_domain: 'callcenter',
    channel_name: 'ops',
    user_name: 'sue',
    command: '/vcc',
    api_app_id: 'A0APP',
    trigger_id: '1.2.3',
    ...fields,
  }).toString();
}
