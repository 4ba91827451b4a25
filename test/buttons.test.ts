import test from 'ava';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { FakeSlack } from './fakes/slack.ts';
import { FakeBotConnector, teamsActivity } from './fakes/botConnector.ts';
import { SIGNING, start } from './helpers/slackChat.ts';
import { blockActions, slackSignature } from './helpers/slackSign.ts';
import { teamsBotTest } from './helpers/teamsSdks.ts';
import { NOT_SUPPORTED } from '../src/chat/dispatch.ts';

test('Slack: a signed button click reaches the dispatcher and gets the private "not supported yet" answer; a forged one gets 401 and no answer', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await start(dir, slack);
  const click = (secret: string, actionId = 'some.other-button') => {
    const body = blockActions({
      user: 'U0SUE',
      channel: 'C0OPS',
      ts: '1700000000.000200',
      actionId,
      value: 'r-12',
      responseUrl: slack.responseUrl('click-1'),
    });
    return fetch(`${svc.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(secret, body) },
      body,
    });
  };
  try {
    t.is((await click('forged-signing-secret')).status, 401);
    t.is((await click(SIGNING)).status, 200);
    await until(() => slack.responses.length === 1, 60_000, 'the answer through response_url');
    t.is(slack.responses[0]!.id, 'click-1');
    t.like(slack.responses[0]!.body, { response_type: 'ephemeral', replace_original: false, text: NOT_SUPPORTED });
    t.deepEqual(await svc.store.listAudit({ limit: 5 }), [], 'nothing was changed, nothing recorded');
    t.true(svc.logs.some((l) => l.includes('Slack button click') && l.includes('some.other-button')));
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

const CONV = '19:clicks@thread.tacv2';

teamsBotTest(
  'Teams: an adaptiveCard/action invoke reaches the dispatcher and is answered "not supported yet" in the invoke response; an Action.Submit in the thread',
  async (t, teamsEnv) => {
    const connector = await new FakeBotConnector().start();
    const svc = await startTestService({ VCC_WEBHOOK_SECRET: 'teams-click-secret', ...teamsEnv }, { pollMs: 50 });
    const post = (activity: unknown) =>
      fetch(`${svc.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
    try {
      const invoke = await post(
        teamsActivity(connector.url, CONV, {
          type: 'invoke',
          name: 'adaptiveCard/action',
          replyToId: '1700000000999',
          value: {
            action: { type: 'Action.Execute', verb: 'some.other-button', data: { value: 'r-12' } },
            trigger: 'manual',
          },
        }),
      );
      t.is(invoke.status, 200);
      t.deepEqual(await invoke.json(), {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: NOT_SUPPORTED,
      });
      t.is(connector.activities.length, 0, 'answered to the clicker, not posted');

      const submit = await post(
        teamsActivity(connector.url, `${CONV};messageid=1700000000999`, {
          type: 'message',
          text: undefined,
          value: { vccAction: 'some.other-button', value: 'r-12' },
        }),
      );
      t.is(submit.status, 200);
      await until(() => connector.activities.length === 1, 60_000, 'the answer to an Action.Submit');
      t.is(connector.activities[0]!.activity.text, NOT_SUPPORTED);
      t.not(connector.activities[0]!.replyTo, null, 'in the thread');
      t.deepEqual(await svc.store.listAudit({ limit: 5 }), []);
    } finally {
      await svc.stop();
      await connector.stop();
      cleanup(svc.dir);
    }
  },
);
