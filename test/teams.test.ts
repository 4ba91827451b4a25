import test from 'ava';
import { teamsBotTest } from './helpers/teamsSdks.ts';
import { TEAMS_SDKS } from '../src/platforms/teams/env.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { FakeBotConnector, teamsActivity } from './fakes/botConnector.ts';

const SECRET = 'teams-secret';
const CONV = '19:ops-room@thread.tacv2';

teamsBotTest(
  'bot added to a channel stores its reference; events then reach it proactively, 429 retried',
  async (t, teamsEnv) => {
    const connector = await new FakeBotConnector().start();
    const dir = tempDir();
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(cfg, `channels:\n  room: { type: teams, conversation: "${CONV}" }\nroutes:\n  - channel: room\n`);
    const svc = await startTestService(
      { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, ...teamsEnv },
      { dir, pollMs: 50, retry: { maxAgeMs: 60_000, maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 100 } },
    );
    try {
      const before = await svc.send(createdBody({ isAgent: true, username: 'earlybird' }), {
        query: { 'secret-key': SECRET },
      });
      t.is(before.json.deliveries, 1);
      const dead = await until(
        async () => (await svc.store.listDeliveries({ status: 'dead', limit: 1 }))[0],
        60_000,
        'dead without reference',
      );
      t.regex(dead!.lastError!, /no Teams conversation reference.*add the bot/);

      const install = await fetch(`${svc.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsActivity(connector.url, CONV, { type: 'installationUpdate', action: 'add' })),
      });
      t.is(install.status, 200);
      const conv = await svc.store.getConversation(CONV);
      t.is((conv?.reference as any).serviceUrl, connector.url);

      connector.script.push({ status: 429, retryAfter: 0 });
      t.is(await svc.store.replayDead({}, Date.now()), 1);
      await svc.send(createdBody({ isAgent: true, username: 'secondone', name: '<at>Everyone</at>' }), {
        query: { 'secret-key': SECRET },
      });
      svc.worker.wake();
      await until(
        async () =>
          (await svc.store.listDeliveries({ status: 'pending', limit: 5 })).length === 0 &&
          connector.activities.length > 1,
        60_000,
        'sent',
      );
      t.regex(connector.activities[0]!.activity.text, /^Hello!/, 'a welcome when the bot is added');
      const cards = connector.activities.slice(1).map((a) => a.activity);
      t.true(cards.length >= 1);
      t.true(cards.every((a) => a.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive'));
      const text = JSON.stringify(cards);
      t.true(text.includes('earlybird') && text.includes('secondone'));
      t.false(text.includes('<at>Everyone'), 'no mention from a user name');
      t.true(connector.activities.every((a) => a.conversation === CONV));
      const sent = await svc.store.listDeliveries({ status: 'sent', limit: 5 });
      t.is(sent.length, 2);
      t.true(
        svc.logs.some(
          (l) => l.includes(`"sdk":"${teamsEnv.TEAMS_SDK}"`) && l.includes(`Teams bot on ${teamsEnv.TEAMS_SDK}`),
        ),
        'the start-up log names the SDK',
      );
    } finally {
      await svc.stop();
      await connector.stop();
      cleanup(dir);
    }
  },
);

teamsBotTest('a bad activity body is a 400, not a crash', async (t, teamsEnv) => {
  const svc = await startTestService({ ...teamsEnv });
  try {
    const res = await fetch(`${svc.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    t.is(res.status, 400);
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

for (const sdk of TEAMS_SDKS) {
  test(`with MicrosoftAppId, an activity (a message or a card's button click) without a Bot Framework token is refused and nothing is stored [TEAMS_SDK=${sdk}]`, async (t) => {
    const connector = await new FakeBotConnector().start();
    const svc = await startTestService({
      TEAMS_SDK: sdk,
      MicrosoftAppId: '00000000-0000-0000-0000-00000000b0b1',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000a1',
    });
    try {
      // A card's button click (a review decision) is an activity like any other: refused alike.
      const click = {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: {
            type: 'Action.Execute',
            verb: 'review.expected',
            data: { vccAction: 'review.expected', value: '1' },
          },
        },
      };
      for (const activity of [{ type: 'installationUpdate', action: 'add' }, click])
        for (const headers of [{}, { authorization: 'Bearer not.a.token' }] as Array<Record<string, string>>) {
          const res = await fetch(`${svc.url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify(teamsActivity(connector.url, CONV, activity)),
          });
          t.is(res.status, 401, `${activity.type} ${JSON.stringify(headers)}`);
        }
      t.deepEqual(await svc.store.listAudit({ limit: 5 }), [], 'no click reached the actions');
      t.is(await svc.store.getConversation(CONV), null);
      t.is(connector.activities.length, 0, 'no reply');
    } finally {
      await svc.stop();
      await connector.stop();
      cleanup(svc.dir);
    }
  });
}

test('without MicrosoftAppId or TEAMS_BOT_NO_AUTH the Teams bot is off: /api/messages answers 501 and a teams channel says why', async (t) => {
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    'channels:\n  room: { type: teams, conversation: "19:off@thread.tacv2" }\nroutes:\n  - channel: room\n',
  );
  const svc = await startTestService({ VCC_NOTIFY_CONFIG: cfg }, { dir, pollMs: 50 });
  try {
    const res = await fetch(`${svc.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    t.is(res.status, 501);
    t.is(((await res.json()) as { error: { code: string } }).error.code, 'teams_not_configured');
    t.true(
      svc.logs.some((l) => l.includes('type teams needs the Teams bot')),
      'start-up warns about the channel',
    );
    const sent = await svc.send(createdBody());
    t.is(sent.status, 200);
    const dead = await until(async () => (await svc.store.listDeliveries({ status: 'dead', limit: 5 }))[0]);
    t.regex(dead!.lastError ?? '', /Teams bot is not enabled: set MicrosoftAppId/);
  } finally {
    await svc.stop();
    cleanup(dir);
  }
});
