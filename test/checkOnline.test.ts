import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from './fakes/slack.ts';
import { FakeBotConnector } from './fakes/botConnector.ts';
import { FakeGoogleChat } from './fakes/googleChat.ts';
import { FakeTeamsWorkflow } from './fakes/teamsWorkflow.ts';
import { runCli } from './helpers/child.ts';
import { cleanup, tempDir } from './helpers/service.ts';
import { freshDatabase } from './helpers/postgres.ts';
import { freePort } from './helpers/ports.ts';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { openStore } from '../src/store/openStore.ts';

const BOT_TOKEN = 'xoxb-online-check-7f3a';
const APP = { id: '11111111-2222-3333-4444-555555555555', secret: 'teams-app-secret-9c1d' };
const CONVERSATION = '19:it-room@thread.tacv2';

/** Every platform faked, a store holding the Teams conversation, and a config reaching all of them. */
async function setup(t: ExecutionContext) {
  const [slack, connector, gchat, flow] = await Promise.all([
    new FakeSlack().start(),
    new FakeBotConnector().start(),
    new FakeGoogleChat().start(),
    new FakeTeamsWorkflow().start(),
  ]);
  const dir = tempDir();
  t.teardown(async () => {
    await Promise.all([slack.stop(), connector.stop(), gchat.stop(), flow.stop()]);
    cleanup(dir);
  });
  slack.members.add('C0OPS');
  connector.credentials = { id: APP.id, secret: APP.secret };
  connector.conversations.add(CONVERSATION);
  const db = `sqlite:${join(dir, 'vcc.db')}`;
  const store = await openStore(db);
  await store.saveConversation({
    id: CONVERSATION,
    reference: { serviceUrl: connector.url, conversation: { id: CONVERSATION }, channelId: 'msteams' },
    name: 'IT room',
    updatedAt: Date.now(),
  });
  await store.close();
  const env: Record<string, string> = {
    DATABASE_URL: db,
    VCC_NOTIFY_CONFIG: join(dir, 'config.yaml'),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    MicrosoftAppId: APP.id,
    MicrosoftAppPassword: APP.secret,
    TEAMS_LOGIN_URL: connector.url,
    HOOK: slack.hookUrl('T0HOOK'),
    GCHAT: gchat.urlFor('AAAAhr'),
    FLOW: flow.url,
  };
  return { slack, connector, gchat, flow, dir, env };
}

const CONFIG = `
channels:
  ops: { type: slack, channel: C0OPS, reviewers: [U0ALICE, S0SUPERS] }
  hook: { type: slack-webhook, url: "\${HOOK}" }
  it: { type: teams, conversation: "${CONVERSATION}" }
  gchat: { type: google-chat, url: "\${GCHAT}" }
  flow: { type: teams-workflow, url: "\${FLOW}" }
routes:
  - { channel: ops, events: [user.role_changed], review: true }
  - { channel: hook }
  - { channel: it }
  - { channel: gchat }
  - { channel: flow }
`;

type Setup = Awaited<ReturnType<typeof setup>>;

async function check(
  t: ExecutionContext,
  s: Setup,
  config = CONFIG,
  env: Record<string, string> = {},
  args: string[] = [],
) {
  writeFileSync(s.env.VCC_NOTIFY_CONFIG!, config);
  const r = await runCli(['check-config', '--online', ...args], { ...s.env, ...env });
  assertNoSecrets(t, { stdout: r.stdout, stderr: r.stderr }, [BOT_TOKEN, APP.secret, 'fake-token-0001', 'pg-secret-1']);
  return r;
}

/** The report's line for one channel (or `store`), and the fix line under it, if any. */
function lineOf(stdout: string, label: string): string {
  const lines = stdout.split('\n');
  const i = lines.findIndex((l) => l.slice(10).startsWith(`${label} (`) || l.slice(10).startsWith(`${label}:`));
  if (i < 0) return `(no line for ${label})`;
  return [lines[i], ...(lines[i + 1]?.trim().startsWith('fix:') ? [lines[i + 1]] : [])].join('\n');
}

test('check-config --online: a good setup passes, one line per channel, and nothing is posted', async (t) => {
  const s = await setup(t);
  const r = await check(t, s);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(lineOf(r.stdout, 'store'), /^ok .*SQLite .*migrations current/);
  t.regex(
    lineOf(r.stdout, 'ops'),
    /^ok .*token valid \(vcc-notify in Call center\); scopes cover reviews; the bot is a member of #chan-c0ops/,
  );
  t.regex(lineOf(r.stdout, 'it'), /^ok .*credentials obtain a token; the conversation is known to the Bot Connector/);
  for (const c of ['hook', 'gchat', 'flow']) t.regex(lineOf(r.stdout, c), /^ok .*URL on this machine/);
  t.regex(r.stdout, /online: 6 checked: 6 ok, 0 with problems, 0 not checked/);
  t.is(s.slack.posts.length + s.connector.activities.length + s.gchat.posts.length + s.flow.posts.length, 0);
  t.is(s.connector.tokens.size, 1, 'one token for every Teams channel');
});

const failures: Array<[string, (s: Setup) => { config?: string; env?: Record<string, string> }, string, RegExp]> = [
  [
    'a revoked token',
    (s) => (s.slack.revoked.add(BOT_TOKEN), {}),
    'ops',
    /^PROBLEM .*Slack refused SLACK_BOT_TOKEN \(token_revoked\)\n\s+fix: reinstall the app/,
  ],
  [
    'the bot not in a private channel',
    (s) => (s.slack.members.clear(), s.slack.privateChannels.add('C0OPS'), {}),
    'ops',
    /^PROBLEM .*not a member of #chan-c0ops \(a private channel\): its posts are refused \(not_in_channel\)\n\s+fix: invite it: type \/invite @your-app-name in #chan-c0ops$/,
  ],
  [
    'a channel id Slack does not know',
    (s) => (s.slack.unknownChannels.add('C0OPS'), {}),
    'ops',
    /^PROBLEM .*Slack knows no channel C0OPS the bot can see\n\s+fix: use the channel id/,
  ],
  [
    'a missing scope for user-group reviewers',
    (s) => ((s.slack.scopes = s.slack.scopes.filter((x) => x !== 'usergroups:read')), {}),
    'ops',
    /^PROBLEM .*lacks usergroups:read \(reviewers named by a user group/,
  ],
  [
    'a missing scope for SLACK_COMMAND_USERS=admins',
    (s) => (
      (s.slack.scopes = s.slack.scopes.filter((x) => x !== 'users:read')),
      { env: { SLACK_COMMAND_USERS: 'admins' } }
    ),
    'ops',
    /^PROBLEM .*lacks users:read \(SLACK_COMMAND_USERS=admins asks who is a workspace admin\).*\n\s+fix: add them under OAuth/,
  ],
  [
    'a wrong webhook host (a Google Chat URL in a Slack webhook channel)',
    () => ({ env: { HOOK: 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=t' } }),
    'hook',
    /^PROBLEM .*on chat\.googleapis\.com: a `google-chat` channel's, not a Slack incoming webhook\n\s+fix: use type `google-chat`/,
  ],
  [
    'a retired Office 365 connector URL for Teams',
    () => ({ env: { FLOW: 'https://contoso.webhook.office.com/webhookb2/abc' } }),
    'flow',
    /^PROBLEM .*Office 365 connector webhook, which Microsoft retired\n\s+fix: in the Teams channel: Workflows/,
  ],
  [
    'an expired Teams app secret',
    (s) => ((s.connector.credentials = { id: APP.id, secret: 'the-new-one' }), {}),
    'it',
    /^PROBLEM .*Microsoft refused the bot's credentials \(AADSTS7000215: Invalid client secret provided\)\n\s+fix: create a new client secret/,
  ],
  [
    'a Teams conversation the bot was removed from',
    (s) => (s.connector.conversations.clear(), {}),
    'it',
    /^PROBLEM .*does not know conversation 19:it-room@thread\.tacv2 for this bot \(404\)/,
  ],
];

for (const [name, arrange, channel, line] of failures) {
  test(`check-config --online finds ${name}: its own line and fix, exit 1`, async (t) => {
    const s = await setup(t);
    const { config, env } = arrange(s);
    const r = await check(t, s, config, env);
    t.is(r.code, 1, r.stdout + r.stderr);
    t.regex(lineOf(r.stdout, channel), line);
    t.regex(r.stdout, /online: 6 checked: 5 ok, 1 with problems, 0 not checked/, 'the other checks still pass');
  });
}

test('check-config --online: an unreachable Postgres is a problem of its own; what needs the store is not checked', async (t) => {
  const s = await setup(t);
  const url = `postgres://postgres:pg-secret-1@127.0.0.1:${await freePort()}/vcc`;
  const r = await check(t, s, CONFIG, { DATABASE_URL: url });
  t.is(r.code, 1, r.stdout);
  t.regex(lineOf(r.stdout, 'store'), /^PROBLEM .*Postgres at 127\.0\.0\.1:\d+\/vcc is not usable \(ECONNREFUSED/);
  t.regex(lineOf(r.stdout, 'store'), /fix: check DATABASE_URL/);
  t.regex(lineOf(r.stdout, 'it'), /^UNCHECKED .*the stored conversation was not read: the store is unreachable/);
  t.regex(lineOf(r.stdout, 'ops'), /^ok /);
});

test('check-config --online: a Postgres store reports migrations to apply, then current', async (t) => {
  const db = await freshDatabase();
  const s = await setup(t);
  t.teardown(() => db.drop());
  const config = 'channels:\n  log: { type: console }\n';
  const before = await check(t, s, config, { DATABASE_URL: db.url });
  t.is(before.code, 0, before.stdout);
  t.regex(
    lineOf(before.stdout, 'store'),
    /^ok .*Postgres at 127\.0\.0\.1:5432\/vcc_notify_test_\w+: reachable; \d+ migrations to apply/,
  );
  await (await openStore(db.url)).close();
  const after = await check(t, s, config, { DATABASE_URL: db.url });
  t.regex(lineOf(after.stdout, 'store'), /^ok .*migrations current/);
});

test('check-config --online: no answer from a platform is "not checked", exit 2', async (t) => {
  const s = await setup(t);
  const r = await check(t, s, 'channels:\n  ops: { type: slack, channel: C0OPS }\n', {
    SLACK_API_URL: `http://127.0.0.1:${await freePort()}/api/`,
  });
  t.is(r.code, 2, r.stdout);
  t.regex(lineOf(r.stdout, 'ops'), /^UNCHECKED .*Slack did not answer auth\.test/);
  t.regex(r.stdout, /online: 2 checked: 1 ok, 0 with problems, 1 not checked/);
});

test('check-config --online --post-test: one marked test message per channel, recorded', async (t) => {
  const s = await setup(t);
  // The bot's SDK gets its own token from Microsoft: without auth here, as the Teams bot tests run.
  s.connector.credentials = null;
  const r = await check(t, s, CONFIG, { MicrosoftAppId: '', TEAMS_BOT_NO_AUTH: 'true' }, ['--post-test']);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.is(s.slack.posts.filter((p) => p.via === 'api').length, 1);
  t.is(s.slack.posts.filter((p) => p.via === 'webhook').length, 1);
  t.is(s.connector.activities.length, 1);
  t.is(s.gchat.posts.length, 1);
  t.is(s.flow.posts.length, 1);
  t.regex(s.slack.posts[0]!.text, /test notification/);
  t.regex(lineOf(r.stdout, 'gchat'), /test message sent/);
  const audit = await runCli(['audit', '--action', 'test.send', '--json'], s.env);
  const entries = (JSON.parse(audit.stdout) as { entries: Array<{ target: string; outcome: string }> }).entries;
  t.deepEqual(entries.map((e) => `${e.target} ${e.outcome}`).sort(), [
    'channel flow done',
    'channel gchat done',
    'channel hook done',
    'channel it done',
    'channel ops done',
  ]);
});
