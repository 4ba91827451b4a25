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

/** The form body of a `block_actions` click as Slack posts it (`payload=<json>`). */
export function blockActions(fields: {
  user: string;
  channel: string;
  ts: string;
  actionId: string;
  value: string;
  responseUrl: string;
}) {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      team: { id: 'T0TEAM', domain: 'callcenter' },
      user: { id: fields.user, username: 'sue', name: 'sue', team_id: 'T0TEAM' },
      api_app_id: 'A0APP',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: fields.ts, channel_id: fields.channel, is_ephemeral: false },
      trigger_id: '1.2.3',
      channel: { id: fields.channel, name: 'ops' },
      message: { type: 'message', ts: fields.ts, text: 'a notification' },
      response_url: fields.responseUrl,
      actions: [
        {
          type: 'button',
          action_id: fields.actionId,
          block_id: 'b1',
          text: { type: 'plain_text', text: 'Expected' },
          value: fields.value,
          action_ts: '1700000000.000100',
        },
      ],
    }),
  }).toString();
}

/** The form body of a `view_submission` as Slack posts it: the modal `view` we opened, its text input filled in. */
export function viewSubmission(fields: { user: string; view: any; text: string }) {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'view_submission',
      team: { id: 'T0TEAM', domain: 'callcenter' },
      user: { id: fields.user, username: 'sue', name: 'sue', team_id: 'T0TEAM' },
      api_app_id: 'A0APP',
      token: 'deprecated-verification-token',
      trigger_id: '1.2.4',
      view: {
        id: 'V1',
        team_id: 'T0TEAM',
        type: 'modal',
        ...fields.view,
        state: { values: { text: { text: { type: 'plain_text_input', value: fields.text } } } },
        hash: '1.abc',
      },
    }),
  }).toString();
}
