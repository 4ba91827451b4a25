import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, tempDir } from './helpers/service.ts';
import { FakeSlack } from './fakes/slack.ts';
import { vccFixturePath } from './helpers/fixtures.ts';
import { runCli } from './helpers/child.ts';
import { openStore } from '../src/store/openStore.ts';
import { eachStore, testStore } from './helpers/stores.ts';

const fixture = vccFixturePath;

const run = runCli;

const CONFIG = `labels:
  privGroup: { 4: Team lead }
channels:
  ops: { type: slack, channel: C0CLI }
  hr: { type: teams-workflow, url: "\${HR_URL}" }
  log: { type: console }
routes:
  - channel: ops
    events: [user.created]
    where: { isAgent: true }
  - channel: hr
    where: { privGroup: [1, 2] }
  - channel: log
`;

async function setup() {
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, CONFIG);
  const env = {
    VCC_NOTIFY_CONFIG: cfg,
    DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
    HR_URL: 'https://flow.example/hr',
  };
  return { dir, cfg, env };
}

test('check-config: exit 0 with a summary; exit 1 with path-level messages and no stack trace', async (t) => {
  const { dir, cfg, env } = await setup();
  try {
    const ok = await run(['check-config'], env);
    t.is(ok.code, 0, ok.stderr);
    t.regex(
      ok.stdout,
      /^OK .*3 channels: ops \(slack\), hr \(teams-workflow\), log \(console\); 3 routes; templates .* are valid/,
    );
    t.regex(ok.stdout, /warning: channels\.ops: type slack needs SLACK_BOT_TOKEN/);
    t.notRegex((await run(['check-config'], { ...env, SLACK_BOT_TOKEN: 'xoxb-x' })).stdout, /warning/);
    writeFileSync(cfg, `${CONFIG}  - channel: nope\n`);
    const bad = await run(['check-config', cfg], env);
    t.is(bad.code, 1);
    t.regex(bad.stderr, /routes\[3\]\.channel \(line 14\): unknown channel "nope" \(channels: ops, hr, log\)/);
    t.notRegex(bad.stderr, /\n\s+at /);
    const missing = await run(['check-config'], { ...env, HR_URL: '' });
    t.is(missing.code, 1);
    t.regex(missing.stderr, /environment variable HR_URL is not set/);
  } finally {
    cleanup(dir);
  }
});

test('render prints the exact payload per channel; explain says which condition decided', async (t) => {
  const { dir, env } = await setup();
  try {
    const slack = await run(['render', '--event', fixture('user-created'), '--channel', 'ops'], env);
    t.is(slack.code, 0, slack.stderr);
    const payload = JSON.parse(slack.stdout);
    t.is(payload.channel, 'C0CLI');
    t.regex(payload.text, /New agent: Rachel Smith/);
    t.true(Array.isArray(payload.blocks));
    const teams = await run(['render', '--event', fixture('user-created'), '--channel', 'hr'], env);
    const envelope = JSON.parse(teams.stdout);
    t.is(envelope.type, 'message');
    t.is(envelope.attachments[0].content.version, '1.5');
    const text = await run(['render', '--event', fixture('user-changed'), '--channel', 'log'], env);
    t.regex(text.stdout, /Redistribution: off → on/, 'built-in wording for a 0/1 flag');
    const short = await run(
      ['render', '--event', fixture('user-changed'), '--channel', 'log', '--kind', 'updated'],
      env,
    );
    t.is(short.code, 0, short.stderr);
    t.regex(short.stdout, /User updated: Rachel Smith/, '--kind takes the short names chat commands take');
    const badKind = await run(['render', '--event', fixture('user-changed'), '--kind', 'deleted'], env);
    t.regex(
      badKind.stderr,
      /^vcc-notify: --kind: unknown kind "deleted" \(kinds: created, state, transport, role, password, updated or user\.created, /,
    );
    const all = await run(['render', '--event', fixture('user-created')], env);
    t.regex(all.stdout, /# ops \(slack\)[\s\S]*# log \(console\)/);
    const unknown = await run(['render', '--event', fixture('user-created'), '--channel', 'nope'], env);
    t.is(unknown.code, 1);
    t.regex(unknown.stderr, /^vcc-notify: --channel: unknown channel "nope"/);

    const explain = await run(['explain', '--event', fixture('user-created')], env);
    t.is(explain.code, 0, explain.stderr);
    t.regex(explain.stdout, /MATCH   routes\[0\] -> ops: kinds user.created; where isAgent hold/);
    t.regex(explain.stdout, /no      routes\[1\] -> hr: where.privGroup: 4 is not any of \[1,2\]/);
    t.regex(explain.stdout, /MATCH   routes\[2\] -> log/);
    t.regex(
      explain.stdout,
      /^labels: isAgent true = yes, privGroup 4 = Team lead, redistribution 0 = off$/m,
      'explain says what the codes mean',
    );
    const changed = await run(['explain', '--event', fixture('user-changed')], env);
    t.regex(changed.stdout, /^change: Redistribution: off \(0\) → on \(1\)$/m);
  } finally {
    cleanup(dir);
  }
});

eachStore('deliveries lists, replay re-queues dead ones, send-test sends now', async (t, kind) => {
  const { dir, env: sqliteEnv } = await setup();
  const db = await testStore(kind, dir);
  const env = { ...sqliteEnv, DATABASE_URL: db.url };
  const slack = await new FakeSlack().start();
  try {
    const store = await openStore(db.url);
    const r = await store.ingest(
      {
        dedupKey: 'k1',
        receivedAt: Date.now(),
        vccTimestamp: null,
        userId: '7',
        old: null,
        new: { userId: '7' },
        changes: [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }],
      },
      [{ channel: 'ops', kinds: ['user.created'], show: [] }],
    );
    t.is(r.status, 'accepted');
    const [d] = await store.listDeliveries({ limit: 1 });
    await store.markDead([d!.id], Date.now(), 'Slack: channel_not_found');
    await store.close();

    const dead = await run(['deliveries', '--status', 'dead'], env);
    t.is(dead.code, 0, dead.stderr);
    t.regex(dead.stdout, /#1  event 1  ops  dead  attempts 1  .*Slack: channel_not_found/);
    const replay = await run(['replay', '--dead', '--channel', 'ops', '--since', '1h'], env);
    t.regex(replay.stdout, /re-queued 1 dead delivery of ops/);
    const pending = await run(['deliveries', '--status', 'pending'], env);
    t.regex(pending.stdout, /#1  event 1  ops  pending  attempts 1/, 'attempts keep counting across a replay');
    const badSince = await run(['replay', '--dead', '--since', 'yesterday-ish'], env);
    t.is(badSince.code, 1);

    const sent = await run(['send-test', '--channel', 'ops'], {
      ...env,
      SLACK_BOT_TOKEN: 'xoxb-cli',
      SLACK_API_URL: slack.apiUrl,
    });
    t.is(sent.code, 0, sent.stderr);
    t.regex(sent.stdout, /sent a sample notification to ops/);
    t.is(slack.posts[0]!.channel, 'C0CLI');
    const noToken = await run(['send-test', '--channel', 'ops'], env);
    t.is(noToken.code, 1);
    t.is(noToken.stderr, 'vcc-notify: send-test ops: SLACK_BOT_TOKEN is not set\n');
  } finally {
    await slack.stop();
    await db.drop();
    cleanup(dir);
  }
});

test('the commented vcc-notify.example.yaml passes check-config', async (t) => {
  const dir = tempDir();
  try {
    const example = new URL('../vcc-notify.example.yaml', import.meta.url).pathname;
    const env = {
      DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
      SLACK_BOT_TOKEN: 'xoxb-example',
      SLACK_IT_WEBHOOK_URL: 'https://hooks.slack.invalid/services/x',
      TEAMS_HR_WORKFLOW_URL: 'https://flow.invalid/x',
    };
    const ok = await run(['check-config', example], env);
    t.is(ok.code, 0, ok.stderr);
    t.regex(
      ok.stdout,
      /^OK .*vcc-notify\.example\.yaml: 4 channels: supervisors \(slack\), it-desk \(slack-webhook\), hr \(teams-workflow\), log \(console\); 4 routes/,
    );
    t.notRegex(ok.stdout, /warning/);
    const missing = await run(['check-config', example], { ...env, TEAMS_HR_WORKFLOW_URL: '' });
    t.is(missing.code, 1);
    t.regex(missing.stderr, /channels\.hr\.url \(line \d+\): environment variable TEAMS_HR_WORKFLOW_URL is not set/);
  } finally {
    cleanup(dir);
  }
});

test('check-config: each mistake of a hand-written file is one line that says how to fix it', async (t) => {
  const { dir, cfg, env } = await setup();
  try {
    writeFileSync(
      cfg,
      `channels:
  ops: { type: slack }
  hook: { type: slak, url: x }
routes:
  - channel: ops
    event: [user.created]
  - channel: opps
`,
    );
    const bad = await run(['check-config', cfg], env);
    t.is(bad.code, 1);
    t.deepEqual(
      bad.stderr.trimEnd().split('\n').slice(1),
      [
        '  channels.hook.type (line 3): "slak" is not allowed (did you mean "slack"?); one of: slack, slack-webhook, teams, teams-workflow, google-chat, console',
        '  routes[0].event (line 6): unknown key "event" (did you mean "events"?)',
      ],
      'the file-level checks first: no union dump',
    );
    writeFileSync(cfg, 'channels:\n  ops: { type: slack }\nroutes:\n  - channel: opps\n');
    t.deepEqual((await run(['check-config', cfg], env)).stderr.trimEnd().split('\n').slice(1), [
      '  channels.ops.channel (line 2): required for type slack',
      '  routes[0].channel (line 4): unknown channel "opps" (did you mean "ops"?)',
    ]);
  } finally {
    cleanup(dir);
  }
});
