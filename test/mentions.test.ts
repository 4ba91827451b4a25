// Issue 15, item 3: a route pages people on purpose; text from VCC never does, in the same message.
import test from 'ava';
import { teamsBotTest } from './helpers/teamsSdks.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { startAllPlatforms } from './helpers/allPlatforms.ts';
import { FakeBotConnector, teamsActivity } from './fakes/botConnector.ts';
import { parseConfig } from '../src/config/loadConfig.ts';
import { FakeSlack } from './fakes/slack.ts';
import { slackSignature, slashCommand } from './helpers/slackSign.ts';

const SECRET = 'mentions-secret';
const q = { 'secret-key': SECRET };
const HOSTILE = '<!channel> <@U0EVIL> <at>Everyone</at> <!subteam^S0EVIL>';

test('a route mention reaches Slack and Teams Workflows as a working mention; mentions in a name stay inert', async (t) => {
  const { slack, teams, svc, stop } = await startAllPlatforms(
    SECRET,
    `
  - { channel: api, where: { privGroup: 1 }, mention: [S0SUPERV, U0LEAD, here] }
  - { channel: api }
  - { channel: flow, where: { privGroup: 1 }, mention: [{ id: "lead@contoso.example", name: "Team Lead" }] }
  - { channel: flow }`,
  );
  try {
    t.is(
      (await svc.send(createdBody({ name: HOSTILE, username: 'given_admin', privGroup: 1 }), { query: q })).status,
      200,
    );
    await until(() => slack.posts.length === 1 && teams.posts.length === 1, 60_000, 'first delivered');
    t.is(
      (await svc.send(createdBody({ name: 'Quiet Agent', username: 'quiet', privGroup: 4 }), { query: q })).status,
      200,
    );
    await until(() => slack.posts.length === 2 && teams.posts.length === 2, 60_000, 'second delivered');

    const [paged, quiet] = slack.posts;
    const mentionBlocks = paged!.blocks.filter((b: any) => b.type === 'section' && /^<[@!]/.test(b.text?.text ?? ''));
    t.deepEqual(
      mentionBlocks.map((b: any) => b.text.text),
      ['<!subteam^S0SUPERV> <@U0LEAD> <!here>'],
    );
    t.true(paged!.text.startsWith('<!subteam^S0SUPERV> <@U0LEAD> <!here> '), 'the notification text pages them too');
    const fromVcc = JSON.stringify({ text: paged!.text, blocks: paged!.blocks.slice(1) });
    for (const bad of ['<!channel>', '<@U0EVIL>', '<!subteam^S0EVIL>'])
      t.false(fromVcc.includes(bad), `the name's ${bad} pings nobody`);
    t.true(fromVcc.includes('&lt;!channel&gt;'), 'the name is shown, escaped');
    t.false(JSON.stringify(quiet).includes('S0SUPERV'), 'a route that did not match pages nobody');

    const card = (teams.posts[0]!.body as any).attachments[0].content;
    t.deepEqual(card.msteams.entities, [
      { type: 'mention', text: '<at>Team Lead</at>', mentioned: { id: 'lead@contoso.example', name: 'Team Lead' } },
    ]);
    const ats = JSON.stringify(card.body).match(/<at>/g) ?? [];
    t.is(ats.length, 1, "the one <at> is the configured mention; the name's <at> is broken up");
    t.true(JSON.stringify(card.body).includes('<\u200Bat>Everyone<\u200B/at>'));
    t.is((teams.posts[1]!.body as any).attachments[0].content.msteams.entities, undefined);
  } finally {
    await stop();
  }
});

teamsBotTest('the Teams bot posts the configured mention with its entity; a name stays inert', async (t, teamsEnv) => {
  const connector = await new FakeBotConnector().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  const conv = '19:mentions@thread.tacv2';
  writeFileSync(
    cfg,
    `channels:\n  room: { type: teams, conversation: "${conv}" }\nroutes:\n  - channel: room\n    mention: [{ id: "29:1a2b3c", name: "On-call IT" }]\n`,
  );
  const svc = await startTestService(
    { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, ...teamsEnv },
    { dir, pollMs: 50 },
  );
  try {
    const install = await fetch(`${svc.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsActivity(connector.url, conv, { type: 'installationUpdate', action: 'add' })),
    });
    t.is(install.status, 200);
    await svc.send(createdBody({ name: HOSTILE, username: 'botcase' }), { query: q });
    const sent = await until(
      () => connector.activities.find((a) => JSON.stringify(a.activity).includes('botcase')),
      60_000,
      'sent by the bot',
    );
    const card = sent!.activity.attachments[0].content;
    t.deepEqual(card.msteams.entities, [
      { type: 'mention', text: '<at>On-call IT</at>', mentioned: { id: '29:1a2b3c', name: 'On-call IT' } },
    ]);
    t.is((JSON.stringify(card.body).match(/<at>/g) ?? []).length, 1);
  } finally {
    await svc.stop();
    await connector.stop();
    cleanup(dir);
  }
});

const bad: Array<[string, string, RegExp]> = [
  [
    'a console route',
    'channels: { log: { type: console } }\nroutes:\n  - { channel: log, mention: [here] }\n',
    /^test\.yaml:\n  routes\[0\]\.mention \(line 3\): type console cannot mention anyone \(types that can: slack, slack-webhook, teams, teams-workflow\)$/,
  ],
  [
    'a Slack mention typed as a name',
    'channels: { ops: { type: slack, channel: C1 } }\nroutes:\n  - { channel: ops, mention: ["@supervisors"] }\n',
    /^test\.yaml:\n  routes\[0\]\.mention\[0\] \(line 3\): "@supervisors": expected a Slack user id \(U0123ABCD\), user group id \(S0123ABCD\), here or channel$/,
  ],
  [
    'a Teams mention without a name',
    'channels: { hr: { type: teams-workflow, url: "https://x.example" } }\nroutes:\n  - { channel: hr, mention: [{ id: "a@b.example" }] }\n',
    /^test\.yaml:\n  routes\[0\]\.mention\[0\]\.name \(line 3\): required$/,
  ],
  [
    'a Teams name with markup',
    'channels: { hr: { type: teams-workflow, url: "https://x.example" } }\nroutes:\n  - { channel: hr, mention: [{ id: "a@b.example", name: "<at>x" }] }\n',
    /routes\[0\]\.mention\[0\]\.name \(line 3\): "<at>x": expected a name without < > or line breaks$/,
  ],
];
for (const [name, yaml, message] of bad) {
  test(`mention config error: ${name}`, (t) => {
    t.throws(() => parseConfig(yaml, {}, 'test.yaml'), { message });
  });
}

teamsBotTest(
  'from chat: /vcc subscribe … mention in Slack and in Teams pages those people; a bad mention changes nothing',
  async (t, teamsEnv) => {
    const slack = await new FakeSlack().start();
    const connector = await new FakeBotConnector().start();
    const dir = tempDir();
    const conv = '19:chat-mentions@thread.tacv2';
    const svc = await startTestService(
      {
        VCC_WEBHOOK_SECRET: SECRET,
        SLACK_BOT_TOKEN: 'xoxb-chat-mentions',
        SLACK_API_URL: slack.apiUrl,
        SLACK_SIGNING_SECRET: 'chat-mention-signing',
        ...teamsEnv,
      },
      { dir, pollMs: 50 },
    );
    const slash = async (text: string) => {
      const body = slashCommand({
        text,
        channel_id: 'C0CHATM',
        user_id: 'U0SUE',
        response_url: slack.responseUrl('r'),
      });
      const res = await fetch(`${svc.url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...slackSignature('chat-mention-signing', body),
        },
        body,
      });
      return ((await res.json()) as { text: string }).text;
    };
    const teamsSays = async (text: string, entities: object[]) => {
      const before = connector.activities.length;
      await fetch(`${svc.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          teamsActivity(connector.url, `${conv};messageid=1`, {
            text: `<at>vcc-notify</at> ${text}`,
            entities: [
              {
                type: 'mention',
                text: '<at>vcc-notify</at>',
                mentioned: { id: '28:vcc-notify-bot', name: 'vcc-notify' },
              },
              ...entities,
            ],
          }),
        ),
      });
      return (await until(() => connector.activities[before], 60_000, 'Teams reply'))!.activity.text as string;
    };
    try {
      t.regex(
        await slash('subscribe role mention @supervisors'),
        /Not changed: cannot read the mention "@supervisors": turn on "Escape channels, users, and links"/,
      );
      t.regex(await slash('subscribe role mention'), /"mention" needs someone to mention/);
      t.deepEqual(await svc.store.listSubscriptions(), []);
      const reply = await slash('subscribe role mention <!subteam^S0SUPERV|@supervisors> <@U0LEAD|lead>');
      t.regex(reply, /Subscribed\. This channel now hears:\n• user\.role_changed mention S0SUPERV U0LEAD/);
      t.false(reply.includes('<!subteam'), 'the reply lists the ids without paging them');

      const lead = {
        type: 'mention',
        text: '<at>Team Lead</at>',
        mentioned: { id: '29:team-lead', name: 'Team Lead' },
      };
      t.regex(await teamsSays('subscribe role mention nobody', []), /no one was @mentioned after "mention"/);
      t.regex(
        await teamsSays('subscribe role mention <at>Team Lead</at>', [lead]),
        /Subscribed.*user\.role_changed mention Team Lead/s,
      );

      const body = createdBody({ username: 'promoted' });
      const changed = {
        ...body,
        old: { ...body.new, privGroup: 3 },
        new: { ...body.new, privGroup: 1, name: HOSTILE },
      };
      t.is((await svc.send(changed, { query: q })).status, 200);
      const post = await until(() => slack.posts.find((p) => p.channel === 'C0CHATM'), 60_000, 'Slack got it');
      t.true(post!.blocks.some((b: any) => b.text?.text === '<!subteam^S0SUPERV> <@U0LEAD>'));
      t.false(
        JSON.stringify(post!.blocks.filter((b: any) => b.type !== 'header')).includes('<!channel>'),
        'mrkdwn parts carry the name escaped',
      );
      const card = await until(() => connector.activities.find((a) => a.activity.attachments), 60_000, 'Teams got it');
      t.deepEqual(card!.activity.attachments[0].content.msteams.entities, [
        { type: 'mention', text: '<at>Team Lead</at>', mentioned: { id: '29:team-lead', name: 'Team Lead' } },
      ]);
    } finally {
      await svc.stop();
      await slack.stop();
      await connector.stop();
      cleanup(dir);
    }
  },
);
