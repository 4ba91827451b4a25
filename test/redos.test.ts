// Issue 12, attack 1: regular expressions from the config file and from chat are run by RE2
// (linear time). On the RegExp engine each hostile event below froze the process for minutes.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { FakeSlack } from './fakes/slack.ts';
import { slackSignature, slashCommand } from './helpers/slackSign.ts';

const SECRET = 'redos-secret';
const SIGNING = 'redos-signing';

const CONFIG = `channels:
  names: { type: slack, channel: C0NAMES }
  partners: { type: slack, channel: C0PARTNERS }
routes:
  - channel: names
    where: { username: { matches: "(a+)+$" } }
  - channel: partners
    where: { email: { matches: "^([a-z0-9]+\\\\.?)*@example\\\\.com$" } }
`;

// [name, the user's fields, the channels that must get it]
const events: Array<[string, Record<string, unknown>, string[]]> = [
  [
    '40 "a"s and a "!" against (a+)+$ (file) and email~(a+)+$ (chat)',
    { username: `${'a'.repeat(40)}!`, email: `${'a'.repeat(40)}!` },
    [],
  ],
  [
    'a dotted partner address against ^([a-z0-9]+\\.?)*@example\\.com$',
    { username: 'partner', email: 'firstname.lastname.contractors.team@partner.com' },
    [],
  ],
  ['ordinary values that match', { username: 'aaaa', email: 'first.last@example.com' }, ['names', 'partners']],
  ['ordinary values that match the chat subscription', { username: 'bob', email: 'aaaa' }, ['C0CHAT']],
];

test('pathological patterns from the config file and a signed Slack command cost no time; /healthz answers throughout', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, CONFIG);
  const svc = await startTestService(
    {
      VCC_WEBHOOK_SECRET: SECRET,
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-redos',
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING,
    },
    { dir, pollMs: 50 },
  );
  try {
    const body = slashCommand({
      text: 'subscribe created where email~(a+)+$',
      channel_id: 'C0CHAT',
      user_id: 'U0EVE',
      response_url: slack.responseUrl('r1'),
    });
    const sub = await fetch(`${svc.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SIGNING, body) },
      body,
    });
    t.is(sub.status, 200);
    t.is((await svc.store.listSubscriptions()).length, 1, 'the chat subscription is saved');

    for (const [name, user, channels] of events) {
      const started = performance.now();
      const [res, health] = await Promise.all([
        svc.send(createdBody(user), { query: { 'secret-key': SECRET } }),
        fetch(`${svc.url}/healthz`),
      ]);
      t.log(`${name}: answered in ${(performance.now() - started).toFixed(1)} ms`);
      t.is(res.status, 200, name);
      t.is(health.status, 200, `${name}: /healthz`);
      t.is(res.json.deliveries, channels.length, `${name}: deliveries`);
    }
    await until(async () => slack.posts.length === 3, 60_000, 'three posts');
    t.deepEqual(slack.posts.map((p) => p.channel).sort(), ['C0CHAT', 'C0NAMES', 'C0PARTNERS']);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('a Slack command with a pattern RE2 cannot run is refused with the reason, and nothing is saved', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await startTestService(
    {
      VCC_WEBHOOK_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-redos',
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING,
    },
    { dir, pollMs: 50 },
  );
  try {
    for (const [text, why] of [
      [
        'subscribe where username~(a)\\1',
        /username: bad regex \/\(a\)\\1\/: backreferences .* are not supported \(filters use RE2/,
      ],
      ['subscribe where email~^(?!admin)', /email: bad regex .*lookahead and lookbehind .* are not supported/],
    ] as const) {
      const body = slashCommand({
        text,
        channel_id: 'C0CHAT',
        user_id: 'U0EVE',
        response_url: slack.responseUrl('r1'),
      });
      const res = await fetch(`${svc.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SIGNING, body) },
        body,
      });
      t.is(res.status, 200);
      t.regex(((await res.json()) as { text: string }).text, why);
    }
    t.deepEqual(await svc.store.listSubscriptions(), []);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});
