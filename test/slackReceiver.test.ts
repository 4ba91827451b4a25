import test from 'ava';
import Koa from 'koa';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import pino from 'pino';
import { KoaReceiver } from '../src/platforms/slack/koaReceiver.ts';
import { SLACK_ACK_MS, WORKING } from '../src/platforms/slack/ackDeadline.ts';
import { FakeSlack } from './fakes/slack.ts';
import { blockActions, slackSignature, slashCommand } from './helpers/slackSign.ts';
import { until } from './helpers/service.ts';

const SIGNING = 'receiver-signing-secret';

/**
 * Our receiver in Koa under a real Bolt App whose listeners answer only when the test lets
 * them (as a listener that starts late on a busy machine, or waits on a slow store, does).
 */
async function lateApp(t: import('ava').ExecutionContext, slack: FakeSlack) {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const receiver = new KoaReceiver(SIGNING, pino({ level: 'silent' }));
  const app = new App({
    receiver,
    token: 'xoxb-receiver',
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  let clicked = false;
  app.command('/vcc', async ({ ack }) => {
    await gate;
    await ack({ response_type: 'ephemeral', text: 'Subscribed, late' });
  });
  app.action('late.button', async ({ ack }) => {
    await gate;
    await ack();
    clicked = true;
  });
  const koa = new Koa();
  koa.use(receiver.handler());
  const server = koa.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, release, clicked: () => clicked };
}

const post = (url: string, body: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SIGNING, body) },
    body,
  });

test(`a command whose listener has not answered ${SLACK_ACK_MS} ms after the request came: the HTTP answer is WORKING, the late answer goes to its response_url`, async (t) => {
  const slack = await new FakeSlack().start();
  t.teardown(() => slack.stop());
  const { url, release } = await lateApp(t, slack);
  const res = await post(
    url,
    slashCommand({
      text: 'subscribe',
      channel_id: 'C0LATE',
      user_id: 'U0LATE',
      response_url: slack.responseUrl('late'),
    }),
  );
  t.deepEqual(await res.json(), { response_type: 'ephemeral', text: WORKING });
  t.is(slack.responses.length, 0);
  release();
  await until(() => slack.responses.length === 1, 60_000, 'the late answer');
  t.like(slack.responses[0], { id: 'late', body: { response_type: 'ephemeral', text: 'Subscribed, late' } });
});

test('a late click gets the empty acknowledgement, and nothing is posted for it', async (t) => {
  const slack = await new FakeSlack().start();
  t.teardown(() => slack.stop());
  const { url, release, clicked } = await lateApp(t, slack);
  const body = blockActions({
    user: 'U0LATE',
    channel: 'C0LATE',
    ts: '1.2',
    actionId: 'late.button',
    value: 'x',
    responseUrl: slack.responseUrl('click'),
  });
  const res = await post(url, body);
  t.is(res.status, 200);
  t.is(await res.text(), '');
  release();
  await until(clicked, 60_000, 'the late acknowledgement');
  t.is(slack.responses.length, 0, 'an empty acknowledgement has nothing to follow up');
});
