import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { cleanup, startTestService, tempDir, until, type TestService } from './helpers/service.ts';
import { createdBody, vccFixture } from './helpers/fixtures.ts';
import { FakeSlack } from './fakes/slack.ts';
import { FakeTeamsWorkflow } from './fakes/teamsWorkflow.ts';
import { eachStore, testStore, type StoreKind } from './helpers/stores.ts';

const SECRET = 'deliver-secret';
const q = { 'secret-key': SECRET };
const fastRetry = { maxAgeMs: 60_000, maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 100 };

async function withStack(
  kind: StoreKind,
  yaml: string,
  fn: (s: TestService, slack: FakeSlack, teams: FakeTeamsWorkflow) => Promise<void>,
  slackOpts = {},
) {
  const slack = await new FakeSlack(slackOpts).start();
  const teams = await new FakeTeamsWorkflow().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, yaml);
  const store = await testStore(kind, dir);
  const svc = await startTestService(
    {
      DATABASE_URL: store.url,
      VCC_WEBHOOK_SECRET: SECRET,
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slack.apiUrl,
      HOOK: slack.hookUrl('it'),
      TEAMS_URL: teams.url,
    },
    { dir, retry: fastRetry, pollMs: 50 },
  );
  try {
    await fn(svc, slack, teams);
  } finally {
    await svc.stop();
    await slack.stop();
    await teams.stop();
    await store.drop();
    cleanup(dir);
  }
}

const CONFIG = `
channels:
  ops: { type: slack, channel: C0OPS }
  it-hook: { type: slack-webhook, url: "\${HOOK}" }
  hr: { type: teams-workflow, url: "\${TEAMS_URL}" }
routes:
  - channel: ops
    events: [user.created, user.state_changed]
    where: { isAgent: true }
  - channel: it-hook
    events: [user.transport_changed]
  - channel: hr
`;

async function statuses(svc: TestService) {
  return (await svc.store.listDeliveries({ limit: 1000 })).map((d) => `${d.channel}:${d.status}`).sort();
}

eachStore('an event reaches exactly the channels whose rules want it, escaped for each target', (t, kind) =>
  withStack(kind, CONFIG, async (svc, slack, teams) => {
    const res = await svc.send(createdBody({ name: '<!channel> <@U123> **Evil**', isAgent: true }), { query: q });
    t.is(res.json.deliveries, 2);
    await until(async () => (await statuses(svc)).every((s) => s.endsWith(':sent')), 60_000, 'deliveries sent');
    t.is(slack.posts.length, 1);
    const [post] = slack.posts;
    t.is(post!.channel, 'C0OPS');
    t.is(post!.token, 'xoxb-test-token');
    // The header is plain_text, which Slack never parses for mentions; everything else is mrkdwn.
    const [header, ...rest] = post!.blocks;
    t.deepEqual(header.text, { type: 'plain_text', text: 'New agent: <!channel> <@U123> **Evil**', emoji: false });
    const json = JSON.stringify({ ...post, fields: undefined, blocks: rest });
    t.false(json.includes('<!channel>'), 'a raw <!channel> in mrkdwn would ping everyone');
    t.false(json.includes('<@U123>'));
    t.true(json.includes('&lt;!channel&gt;'));
    t.regex(post!.text, /New agent/);
    t.is(teams.posts.length, 1);
    const card = teams.posts[0]!.body.attachments[0].content;
    t.is(card.version, '1.5');
    const cardText = JSON.stringify(card);
    t.false(cardText.includes('<at>'));
    t.false(cardText.includes('**Evil**'));
    assertNoSecrets(
      t,
      {
        log: svc.logs,
        'slack posts': JSON.stringify(slack.posts.map(({ token: _token, ...p }) => p)),
        'teams posts': JSON.stringify(teams.posts),
      },
      ['xoxb-test-token', slack.hookUrl('it'), teams.url, SECRET],
    );
  }),
);

eachStore('routing: transport change goes to the webhook channel only; no-match creates no delivery', (t, kind) =>
  withStack(
    kind,
    CONFIG.replace('  - channel: hr\n', '  - channel: hr\n    events: [user.password_changed]\n'),
    async (svc, slack) => {
      const base = vccFixture('user-changed');
      const res = await svc.send(
        { ...base, new: { ...base.new, registerTransport: 'sip-udp', redistribution: 0 } },
        { query: q },
      );
      t.is(res.json.deliveries, 1);
      await until(() => slack.posts.length === 1, 60_000, 'webhook post');
      t.is(slack.posts[0]!.via, 'webhook');
      t.regex(JSON.stringify(slack.posts[0]!.blocks), /SIP\/TCP → SIP\/UDP/);
      const none = await svc.send(vccFixture('user-changed'), { query: q });
      t.is(none.json.deliveries, 0);
    },
  ),
);

eachStore('429 with Retry-After is honoured, then the message is sent once', (t, kind) =>
  withStack(kind, CONFIG, async (svc, slack) => {
    slack.script.push({ status: 429, retryAfter: 1 });
    const started = Date.now();
    await svc.send(createdBody({ isAgent: true }), { query: q });
    await until(() => slack.posts.length === 1, 60_000, 'post after 429');
    t.true(slack.posts[0]!.at - started >= 1000, 'the retry waited for Retry-After');
    t.is(slack.rateLimited, 1);
    const d = await until(
      async () => (await svc.store.listDeliveries({ channel: 'ops', status: 'sent', limit: 1 }))[0],
      60_000,
      'marked sent',
    );
    t.is(d!.attempts, 2);
    t.is(slack.posts.length, 1);
  }),
);

eachStore('5xx then success; a permanent failure is dead with its reason and replayable', (t, kind) =>
  withStack(kind, CONFIG, async (svc, slack, teams) => {
    teams.script.push({ status: 502 }, { status: 500 });
    slack.script.push({ error: 'channel_not_found' });
    await svc.send(createdBody({ isAgent: true }), { query: q });
    await until(async () => (await statuses(svc)).join() === 'hr:sent,ops:dead', 60_000, 'hr sent and ops dead');
    const [hr] = await svc.store.listDeliveries({ channel: 'hr', limit: 1 });
    t.is(hr!.attempts, 3);
    const [ops] = await svc.store.listDeliveries({ channel: 'ops', limit: 1 });
    t.regex(ops!.lastError!, /channel_not_found/);
    t.is(teams.posts.length, 1);
    t.is(await svc.store.replayDead({ channel: 'ops' }, Date.now()), 1);
    svc.worker.wake();
    await until(async () => (await statuses(svc)).join() === 'hr:sent,ops:sent', 60_000, 'replayed delivery sent');
    t.is(slack.posts.length, 1);
  }),
);

eachStore('a burst becomes a handful of digest messages, in order, nothing lost or repeated', (t, kind) =>
  withStack(
    kind,
    `
channels:
  ops: { type: slack, channel: C0OPS }
routes:
  - channel: ops
`,
    async (svc, slack) => {
      const users = Array.from({ length: 150 }, (_, i) => `agent_${String(i).padStart(3, '0')}`);
      const started = Date.now();
      for (const u of users) {
        const res = await svc.send(createdBody({ isAgent: true, username: u }), { query: q });
        t.is(res.status, 200);
      }
      const ingestSeconds = Math.ceil((Date.now() - started) / 1000);
      await until(async () => (await statuses(svc)).every((s) => s === 'ops:sent'), 60_000, 'all sent');
      // At most one message per second while the burst arrives (the channel's rate), then the
      // backlog as digests of up to 100: never one message per event.
      t.true(
        slack.posts.length <= ingestSeconds + 1 + Math.ceil(150 / 100),
        `${slack.posts.length} messages for 150 events over ${ingestSeconds}s`,
      );
      t.true(slack.posts.length < 15, `${slack.posts.length} messages for 150 events`);
      t.is(slack.rateLimited, 0, 'no 429 drawn');
      const posts = slack.posts.map((p) => JSON.stringify(p.blocks));
      const postsWith = (u: string) => posts.filter((p) => p.includes(u)).length;
      t.deepEqual(
        users.filter((u) => postsWith(u) !== 1),
        [],
        'each event appears in exactly one message',
      );
      const position = (u: string) => {
        const i = posts.findIndex((p) => p.includes(u));
        return i * 1e6 + posts[i]!.indexOf(u);
      };
      const order = users.map(position);
      t.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        'events appear in the order they were accepted',
      );
      const sent = await svc.store.listDeliveries({ limit: 1000 });
      t.is(sent.length, 150);
      t.true(
        sent.every((d) => d.attempts === 1),
        'nothing repeated',
      );
      t.true(
        slack.posts.some((p) => /new agents|VCC user changes/.test(p.text)),
        'the backlog went as digests',
      );
    },
    { perChannelPerSecond: true },
  ),
);

eachStore(
  'a channel without a rate limit gathers a trickle: reads 100 ms apart while events keep coming, nothing lost or repeated',
  async (t, kind) => {
    const dir = tempDir();
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(cfg, 'channels:\n  log: { type: console }\nroutes:\n  - channel: log\n');
    const store = await testStore(kind, dir);
    const svc = await startTestService(
      { DATABASE_URL: store.url, VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg },
      { dir, pollMs: 50 },
    );
    try {
      const users = Array.from({ length: 40 }, (_, i) => `trickle_${String(i).padStart(2, '0')}`);
      // A lone event goes out at once, on its own.
      t.is((await svc.send(createdBody({ username: users[0] }), { query: q })).status, 200);
      await until(() => svc.printed.length === 1, 60_000, 'the first event sent');
      t.regex(svc.printed[0]!, /trickle_00/);
      const started = Date.now();
      for (const u of users.slice(1)) {
        t.is((await svc.send(createdBody({ username: u }), { query: q })).status, 200);
      }
      await until(
        async () => (await svc.store.listDeliveries({ limit: 100 })).every((d) => d.status === 'sent'),
        60_000,
        'all sent',
      );
      const tenths = Math.ceil((Date.now() - started) / 100);
      const printed = svc.printed;
      // Then at most one read (one digest) per 100 ms, however slow the machine.
      t.true(
        printed.length <= tenths + 2,
        `${printed.length} messages for 40 events over ${tenths} tenths of a second`,
      );
      const positions = users.map((u) => {
        const at = printed.flatMap((p, i) => (p.includes(u) ? [i] : []));
        t.is(at.length, 1, `${u} is in exactly one message`);
        return at[0]! * 1e6 + printed[at[0]!]!.indexOf(u);
      });
      t.deepEqual(
        positions,
        [...positions].sort((a, b) => a - b),
        'in the order accepted',
      );
    } finally {
      await svc.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

eachStore('a dead channel does not delay other channels', (t, kind) =>
  withStack(kind, CONFIG, async (svc, slack, teams) => {
    for (let i = 0; i < 5; i += 1) slack.script.push({ status: 503 });
    await svc.send(createdBody({ isAgent: true }), { query: q });
    await until(() => teams.posts.length === 1, 60_000, 'teams delivered while slack retries');
    const [ops] = await svc.store.listDeliveries({ channel: 'ops', limit: 1 });
    t.not(ops!.status, 'sent');
  }),
);

test('after start, the channel types in use are warmed (SDK and client ready), and no other', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    'channels:\n  ops: { type: slack, channel: C0WARM }\n  log: { type: console }\n  spare: { type: slack-webhook, url: "http://127.0.0.1:9/x" }\nroutes:\n  - channel: ops\n  - channel: log\n',
  );
  const svc = await startTestService(
    { VCC_NOTIFY_CONFIG: cfg, SLACK_BOT_TOKEN: 'xoxb-warm', SLACK_API_URL: slack.apiUrl },
    { dir },
  );
  try {
    const warmed = await until(
      () => svc.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'channel types warmed'),
      60_000,
      'the warm-up',
    );
    t.deepEqual([...warmed.types].sort(), ['console', 'slack'], 'a type only an unrouted channel has is not loaded');
    t.is(slack.posts.length, 0, 'warming sends nothing');
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});
