import test, { type ExecutionContext } from 'ava';
import { cleanup, startTestService, tempDir, until, type TestService } from './helpers/service.ts';
import { FakeSlack } from './fakes/slack.ts';
import { FakeBotConnector, teamsActivity } from './fakes/botConnector.ts';
import { SECRET, SIGNING, command, start } from './helpers/slackChat.ts';
import { teamsBotTest } from './helpers/teamsSdks.ts';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { storeText } from './helpers/testStore.ts';
import type { StoredAudit } from '../src/domain/audit.ts';

/** The entries of `action` from chat, as [outcome, platform, actor id, target] rows. */
async function chatEntries(svc: TestService, action: string) {
  const all: StoredAudit[] = await svc.store.listAudit({ action, limit: 100 });
  return all.filter((e) => e.via === 'chat').map((e) => [e.outcome, e.platform, e.actorId, e.target]);
}

/** Every chat action done by `user` in `channel` (from its platform), and nobody else's. */
async function assertDoneBy(t: ExecutionContext, svc: TestService, actions: string[], user: string, channel: string) {
  for (const action of actions)
    t.deepEqual(
      (await chatEntries(svc, action)).filter(([o]) => o === 'done'),
      [
        [
          'done',
          channel.split(':')[0],
          user,
          action.startsWith('mute.') ? await muteTarget(svc, action) : `channel ${channel}`,
        ],
      ],
      action,
    );
}

const muteTarget = async (svc: TestService, action: string) =>
  (await svc.store.listAudit({ action, limit: 1 }))[0]?.target ?? null;

test('audit from Slack: each /vcc change is recorded with the Slack user who typed it; a user SLACK_COMMAND_USERS leaves out is recorded as refused', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await start(dir, slack, { SLACK_COMMAND_USERS: 'U0BOSS' });
  try {
    const refused = await command(svc, slack, 'subscribe created', { user: 'U0SUE' });
    t.regex(refused.json.text, /Not changed: only the users listed in SLACK_COMMAND_USERS/);
    t.deepEqual(await chatEntries(svc, 'subscribe'), [['refused', 'slack', 'U0SUE', 'channel slack:C0CHAT']]);
    t.deepEqual(await svc.store.listSubscriptions(), [], 'nothing changed');

    const boss = (text: string) => command(svc, slack, text, { user: 'U0BOSS' });
    t.regex((await boss('subscribe created')).json.text, /^Subscribed/);
    t.regex((await boss('thread agent')).json.text, /^Threads on/);
    t.regex((await boss('mute 2h where username~^bulk_ because bulk import')).json.text, /^Muted here as #1/);
    t.regex((await boss('unmute 1')).json.text, /^Mute #1 ended/);
    t.regex((await boss('unmute 1')).json.text, /^Not changed: no mute #1 of this channel is in force/);
    t.regex((await boss('hours off')).json.text, /^Hours off/);
    t.regex((await boss('unsubscribe created')).json.text, /^Unsubscribed/);
    await assertDoneBy(t, svc, ['subscribe', 'thread.set', 'hours.set', 'unsubscribe'], 'U0BOSS', 'slack:C0CHAT');
    const [added] = await svc.store.listAudit({ action: 'mute.add', limit: 5 });
    t.like(added, { via: 'chat', platform: 'slack', actorId: 'U0BOSS', target: 'mute #1', outcome: 'done' });
    t.regex(added!.detail, /channel slack:C0CHAT · every kind · where username~\^bulk_ · until .* · "bulk import"/);
    t.deepEqual(
      (await chatEntries(svc, 'mute.expire')).map(([o, , who, target]) => [o, who, target]),
      [
        ['done', 'U0BOSS', 'mute #1'],
        ['refused', 'U0BOSS', 'mute #1'],
      ],
    );
    await command(svc, slack, 'test', { user: 'U0SUE' });
    await until(async () => (await chatEntries(svc, 'test.send')).length === 1, 60_000, 'the test send recorded');
    t.deepEqual((await chatEntries(svc, 'test.send'))[0]!.slice(0, 3), ['done', 'slack', 'U0SUE']);
    assertNoSecrets(
      t,
      { store: await storeText({ kind: 'sqlite', url: '', drop: async () => {} }, dir), log: svc.logs },
      [SIGNING, SECRET, 'xoxb-cmd-token'],
    );
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

const CONV = '19:audit-room@thread.tacv2';
const BOSS = '00000000-0000-0000-0000-00000000b055';

teamsBotTest(
  'audit from the Teams bot: a change is recorded with the Entra object id of who typed it; one TEAMS_COMMAND_USERS leaves out is refused',
  async (t, teamsEnv) => {
    const connector = await new FakeBotConnector().start();
    const svc = await startTestService(
      { VCC_WEBHOOK_SECRET: 'teams-audit-secret', TEAMS_COMMAND_USERS: BOSS, ...teamsEnv },
      { pollMs: 50 },
    );
    const say = (text: string, from?: Record<string, unknown>) =>
      fetch(`${svc.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          teamsActivity(connector.url, CONV, {
            text: `<at>vcc-notify</at> ${text}`,
            entities: [
              {
                type: 'mention',
                text: '<at>vcc-notify</at>',
                mentioned: { id: '28:vcc-notify-bot', name: 'vcc-notify' },
              },
            ],
            ...(from ? { from } : {}),
          }),
        ),
      });
    try {
      t.is((await say('subscribe created')).status, 200);
      await until(() => connector.activities.length === 1, 60_000, 'the refusal');
      t.regex(connector.activities[0]!.activity.text, /only the users listed in TEAMS_COMMAND_USERS/);
      t.deepEqual(await chatEntries(svc, 'subscribe'), [
        ['refused', 'teams', '00000000-0000-0000-0000-000000000001', `channel teams:${CONV}`],
      ]);
      await say('subscribe created', { id: '29:boss', name: 'Boss Bea', aadObjectId: BOSS });
      await until(() => connector.activities.length === 2, 60_000, 'the subscribe reply');
      t.regex(connector.activities[1]!.activity.text, /^Subscribed/);
      const done = (await svc.store.listAudit({ action: 'subscribe', limit: 5 })).find((e) => e.outcome === 'done');
      t.like(done, {
        via: 'chat',
        platform: 'teams',
        actorId: BOSS,
        actorName: 'Boss Bea',
        target: `channel teams:${CONV}`,
      });
      const boss = { id: '29:boss', name: 'Boss Bea', aadObjectId: BOSS };
      await say('mute 1h because maintenance', boss);
      await until(() => connector.activities.length === 3, 60_000, 'the mute reply');
      t.regex(connector.activities[2]!.activity.text, /^Muted here as #1/);
      await say('unmute 1', boss);
      await until(() => connector.activities.length === 4, 60_000, 'the unmute reply');
      t.deepEqual(
        (await svc.store.listAudit({ limit: 20 }))
          .filter((e) => e.action.startsWith('mute.'))
          .map((e) => [e.action, e.outcome, e.actorId, e.target]),
        [
          ['mute.add', 'done', BOSS, 'mute #1'],
          ['mute.expire', 'done', BOSS, 'mute #1'],
        ],
      );
    } finally {
      await svc.stop();
      await connector.stop();
      cleanup(svc.dir);
    }
  },
);
