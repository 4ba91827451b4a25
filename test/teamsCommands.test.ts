import { teamsBotTest } from './helpers/teamsSdks.ts';
import { cleanup, startTestService, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { FakeBotConnector, teamsActivity } from './fakes/botConnector.ts';

const SECRET = 'teams-cmd';
const CONV = '19:hr-room@thread.tacv2';

function mention(connector: FakeBotConnector, text: string, over: Record<string, unknown> = {}) {
  return teamsActivity(connector.url, `${CONV};messageid=1700000000000`, {
    type: 'message',
    text: `<at>vcc-notify</at> ${text}`,
    entities: [
      { type: 'mention', text: '<at>vcc-notify</at>', mentioned: { id: '28:vcc-notify-bot', name: 'vcc-notify' } },
    ],
    ...over,
  });
}

async function post(url: string, activity: unknown) {
  return fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
}

teamsBotTest(
  'Teams: welcome on install, commands reply in the thread, subscription delivers proactively and survives a restart, unsubscribe stops it',
  async (t, teamsEnv) => {
    const connector = await new FakeBotConnector().start();
    let svc = await startTestService({ VCC_WEBHOOK_SECRET: SECRET, ...teamsEnv }, { pollMs: 50 });
    try {
      t.is(
        (
          await post(
            svc.url,
            teamsActivity(connector.url, CONV, {
              type: 'conversationUpdate',
              membersAdded: [{ id: '28:vcc-notify-bot' }],
            }),
          )
        ).status,
        200,
      );
      await until(() => connector.activities.length === 1, 60_000, 'welcome');
      t.regex(connector.activities[0]!.activity.text, /Hello!.*subscribe/s);

      t.is((await post(svc.url, mention(connector, 'subscribe frobnicate'))).status, 200);
      await until(() => connector.activities.length === 2, 60_000, 'error reply');
      t.regex(connector.activities[1]!.activity.text, /unknown kind "frobnicate"/);
      t.is(connector.activities[1]!.replyTo !== null, true, 'replied in the thread');

      await post(svc.url, mention(connector, 'subscribe created where isAgent=true'));
      await until(() => connector.activities.length === 3, 60_000, 'subscribe reply');
      t.regex(connector.activities[2]!.activity.text, /Subscribed.*user\.created where isAgent=true/s);
      const subs = await svc.store.listSubscriptions();
      t.is(subs[0]!.channel, `teams:${CONV}`);

      await svc.send(createdBody({ isAgent: true, username: 'teamsagent' }), { query: { 'secret-key': SECRET } });
      await until(() => connector.activities.length === 4, 60_000, 'proactive card');
      const card = connector.activities[3]!;
      t.is(card.conversation, CONV, 'posted to the channel, not the thread');
      t.is(card.replyTo, null);
      t.true(JSON.stringify(card.activity.attachments).includes('teamsagent'));

      // The subscription and the conversation reference live in the store: a restarted
      // service still delivers to this channel.
      const dir = svc.dir;
      await svc.stop();
      svc = await startTestService({ VCC_WEBHOOK_SECRET: SECRET, ...teamsEnv }, { pollMs: 50, dir });
      await svc.send(createdBody({ isAgent: true, username: 'afterrestart' }), { query: { 'secret-key': SECRET } });
      await until(() => connector.activities.length === 5, 60_000, 'proactive card after the restart');
      t.is(connector.activities[4]!.conversation, CONV);
      t.true(JSON.stringify(connector.activities[4]!.activity.attachments).includes('afterrestart'));

      await post(svc.url, mention(connector, 'list'));
      await until(() => connector.activities.length === 6, 60_000, 'list reply');
      t.regex(connector.activities[5]!.activity.text, /This channel hears:.*user\.created where isAgent=true/s);

      await post(svc.url, mention(connector, 'test'));
      await until(() => connector.activities.length === 8, 60_000, 'sample card and test reply');
      const sample = connector.activities.find((a) =>
        JSON.stringify(a.activity.attachments ?? []).includes('Sample Agent'),
      );
      t.truthy(sample, 'the sample card reached the channel');
      t.true(connector.activities.some((a) => /Sent a sample notification here/.test(a.activity.text ?? '')));

      await post(svc.url, mention(connector, 'unsubscribe'));
      await until(() => connector.activities.length === 9, 60_000, 'unsubscribe reply');
      t.regex(connector.activities[8]!.activity.text, /hears no VCC events/);
      t.deepEqual(await svc.store.listSubscriptions(), []);
      const after = await svc.send(createdBody({ isAgent: true, username: 'afterunsub' }), {
        query: { 'secret-key': SECRET },
      });
      t.is(after.json.deliveries, 1, 'only the built-in console route is left');
      t.deepEqual(
        (await svc.store.listDeliveries({ eventId: after.json.event, limit: 5 })).map((d) => d.channel),
        ['console'],
      );
    } finally {
      await svc.stop();
      await connector.stop();
      cleanup(svc.dir);
    }
  },
);
