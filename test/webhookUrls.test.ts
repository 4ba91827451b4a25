import test from 'ava';
import { probeChannel, webhookOwnerOf, type ChannelConfig } from '../src/platforms/registry.ts';
import type { ProbeContext } from '../src/platforms/Platform.ts';
import { createLogger } from '../src/logger.ts';

/** A probe context for webhook types: their checks make no request (a fetch here fails the test). */
const ctx: ProbeContext = {
  env: {},
  fetch: () => Promise.reject(new Error('a webhook check must not make a request')),
  clock: () => 0,
  log: createLogger('silent'),
  conversations: null,
  needs: { reviewers: [], threads: false },
  webhookOwner: webhookOwnerOf,
  once: (_k, make) => make(),
};

const SLACK = 'https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx';
const GCHAT = 'https://chat.googleapis.com/v1/spaces/AAAAxyz/messages?key=k1&token=tok-secret-1';
const FLOW =
  'https://prod-23.westeurope.logic.azure.com:443/workflows/0f1e2d3c/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s';
const FLOW_NEW =
  'https://default0f1e.2d.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0f1e2d3c/triggers/manual/paths/invoke?sig=s';

const cases: Array<[string, ChannelConfig, 'ok' | 'problem', RegExp]> = [
  [
    'a Slack incoming webhook',
    { type: 'slack-webhook', url: SLACK },
    'ok',
    /a Slack incoming webhook \(hooks\.slack\.com\)/,
  ],
  [
    'GovSlack',
    { type: 'slack-webhook', url: SLACK.replace('slack.com', 'slack-gov.com') },
    'ok',
    /hooks\.slack-gov\.com/,
  ],
  [
    'a Slack Workflow Builder trigger',
    { type: 'slack-webhook', url: 'https://hooks.slack.com/triggers/T0/1/abc' },
    'problem',
    /path is not a Slack incoming webhook's/,
  ],
  [
    'plain http',
    { type: 'slack-webhook', url: SLACK.replace('https', 'http') },
    'problem',
    /is http: on hooks\.slack\.com/,
  ],
  ['not a URL', { type: 'slack-webhook', url: 'hooks.slack.com/services/x' }, 'problem', /not a URL/],
  [
    'a Google Chat URL in a Slack channel',
    { type: 'slack-webhook', url: GCHAT },
    'problem',
    /a `google-chat` channel's/,
  ],
  [
    'an unknown host',
    { type: 'google-chat', url: 'https://chat.example.com/v1/spaces/A/messages' },
    'problem',
    /not a Google Chat space webhook's host \(chat\.googleapis\.com\)/,
  ],
  ['a Google Chat webhook', { type: 'google-chat', url: GCHAT }, 'ok', /Google Chat space webhook/],
  [
    'a Google Chat URL without its token',
    { type: 'google-chat', url: GCHAT.replace('&token=tok-secret-1', '') },
    'problem',
    /lacks its key or token/,
  ],
  ['a Workflows URL (Logic Apps)', { type: 'teams-workflow', url: FLOW }, 'ok', /Teams Workflows webhook/],
  ['a Workflows URL (Power Platform)', { type: 'teams-workflow', url: FLOW_NEW }, 'ok', /Teams Workflows webhook/],
  [
    'an Office 365 connector',
    { type: 'teams-workflow', url: 'https://contoso.webhook.office.com/webhookb2/x' },
    'problem',
    /Microsoft retired/,
  ],
  ['a Slack URL in a Teams channel', { type: 'teams-workflow', url: SLACK }, 'problem', /a `slack-webhook` channel's/],
  ['a proxy on this machine', { type: 'teams-workflow', url: 'http://127.0.0.1:8080/flow' }, 'ok', /on this machine/],
];

for (const [name, ch, status, what] of cases) {
  test(`webhook URL check: ${name}`, async (t) => {
    const [f, ...rest] = await probeChannel(ch, ctx);
    t.is(rest.length, 0);
    t.is(f!.status, status);
    t.regex(f!.what, what);
    t.false(
      f!.what.includes('abcdefghijklmnopqrstuvwx') || f!.what.includes('sig=s') || f!.what.includes('tok-secret-1'),
      "the URL's secret is never shown",
    );
    if (status === 'problem') t.truthy((f as { fix?: string }).fix);
  });
}
