import test from 'ava';
import { allDocs, docText } from './helpers/docs.ts';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir } from './helpers/service.ts';
import { agentStory } from './helpers/agentStory.ts';
import { FakeSlack } from './fakes/slack.ts';
import { vccFixturePath } from './helpers/fixtures.ts';
import { runCli } from './helpers/child.ts';
import { openStore } from '../src/store/openStore.ts';
import { DELIVERY_STATUSES } from '../src/store/Store.ts';
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

const R = ' (see docs/configuration-reference.md#';

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

test("the README's first steps: .env.example copied to .env and the example config to vcc-notify.yaml pass check-config", async (t) => {
  const dir = tempDir();
  try {
    copyFileSync(new URL('../.env.example', import.meta.url), join(dir, '.env'));
    copyFileSync(new URL('../vcc-notify.example.yaml', import.meta.url), join(dir, 'vcc-notify.yaml'));
    // Run where the copies are, with nothing else set: the command reads .env there, as for a user.
    const r = await run(['check-config'], {}, dir);
    t.is(r.code, 0, r.stderr);
    t.is(r.stderr, '');
    t.regex(r.stdout, /^OK .*vcc-notify\.yaml: 4 channels/m);
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
        `  channels.ops.channel (line 2): required for type slack${R}slack)`,
        `  channels.hook.type (line 3): "slak" is not allowed (did you mean "slack"?); one of: slack, slack-webhook, teams, teams-workflow, google-chat, console${R}channelsname-every-type)`,
        `  routes[0].event (line 6): unknown key "event" (did you mean "events"?)${R}routes)`,
        `  routes[1].channel (line 7): unknown channel "opps" (did you mean "ops"?)${R}routes)`,
      ],
      'every problem in one run, in the order of the file, one line each (with its section of the reference): no union dump',
    );
    // Five mistakes that once took four runs: an unknown kind hid the rest.
    writeFileSync(
      cfg,
      `channels:
  ops: { type: slack, channel: C01 }
  hook: { type: slak, url: x }
routes:
  - channel: ops
    events: [user.creatd]
  - wehre: { isAgent: true }
  - channel: nope
    where: { usernme: x }
`,
    );
    t.deepEqual((await run(['check-config', cfg], env)).stderr.trimEnd().split('\n').slice(1), [
      `  channels.hook.type (line 3): "slak" is not allowed (did you mean "slack"?); one of: slack, slack-webhook, teams, teams-workflow, google-chat, console${R}channelsname-every-type)`,
      `  routes[0].events[0] (line 6): "user.creatd" is not allowed (did you mean "user.created"?); one of: user.created, user.state_changed, user.transport_changed, user.role_changed, user.password_changed, user.updated${R}routes)`,
      `  routes[1].channel (line 7): required${R}routes)`,
      `  routes[1].wehre (line 7): unknown key "wehre" (keys: channel, events, where, show, mention, review, active, quiet, urgent)${R}routes)`,
      `  routes[2].channel (line 8): unknown channel "nope" (channels: ops, hook)${R}routes)`,
      `  routes[2].where.usernme (line 9): unknown field "usernme" (did you mean "username"?)${R}routes)`,
    ]);
  } finally {
    cleanup(dir);
  }
});

/** Every command's --help, each option's default said once (commander adds one to what the text says). */
const COMMANDS = [
  ['serve'],
  ['check-config'],
  ['render'],
  ['explain'],
  ['send-test'],
  ['deliveries'],
  ['replay'],
  ['resend'],
  ['history'],
  ['backup'],
  ['mute', 'add'],
  ['mute', 'list'],
  ['mute', 'expire'],
];

test('--help of every command says each default once, and never an empty list as one', async (t) => {
  for (const c of COMMANDS) {
    const r = await run([...c, '--help'], {});
    t.is(r.code, 0, `${c.join(' ')}: ${r.stderr}`);
    for (const line of r.stdout.split('\n')) {
      t.true((line.match(/default/gi) ?? []).length <= 1, `${c.join(' ')}: ${line}`);
      t.false(line.includes('(default: [])'), `${c.join(' ')}: ${line}`);
    }
  }
  const deliveries = await run(['deliveries', '--help'], {});
  t.regex(deliveries.stdout, /--limit <n> +how many \(default: 50\)$/m);
  const bad = await run(['deliveries', '--limit', 'many'], {});
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--limit <n>' argument 'many' is invalid/);
});

test('history finds a user as the admin search does: id, username, e-mail (any case), the start of a name; several are listed, none says what it searched', async (t) => {
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  log: { type: console }\nroutes:\n  - channel: log\n');
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: 'h', VCC_NOTIFY_CONFIG: cfg }, { dir, pollMs: 50 });
  const env = { VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}` };
  try {
    const ann = agentStory(501, 'ann_smith', 'Ann Smith');
    for (const body of [
      ann.created(),
      ann.change({ state: 'inactive' }),
      agentStory(502, 'anna_lee', 'Anna Lee').created(),
      agentStory(503, 'bob_jones', 'Bob Jones').created(),
    ])
      t.is((await svc.send(body, { query: { 'secret-key': 'h' } })).status, 200);
    const annLines = /^#\d+ .*user\.state_changed {2}Ann Smith$/m;
    for (const who of ['501', 'ann_smith', 'ANN_SMITH@example.com', 'ann s'])
      t.regex((await run(['history', '--user', who], env)).stdout, annLines, who);
    const bob = await run(['history', '--user', 'bob'], env);
    t.regex(bob.stdout, /^#\d+ .*user\.created {2}Bob Jones$/m);
    t.notRegex(bob.stdout, /Ann Smith/);
    const several = await run(['history', '--user', 'ann'], env);
    t.is(several.code, 0, several.stderr);
    t.is(
      several.stdout,
      '2 users match "ann"; name one by its id (history --user ID):\n  501  Ann Smith (ann_smith)\n  502  Anna Lee (anna_lee)\n',
    );
    const none = await run(['history', '--user', 'zed'], env);
    t.is(none.stdout, 'no events for a user with the id, username or e-mail "zed", or a name starting with "zed"\n');
  } finally {
    await svc.stop();
    cleanup(dir);
  }
});

test('words: one event with several changes says so in its title; a password card says it once; roles read one way', async (t) => {
  const { dir, env } = await setup();
  try {
    const story = agentStory(8801, 'many_x', 'Many Changes');
    story.created();
    const several = join(dir, 'several.json');
    writeFileSync(
      several,
      JSON.stringify(story.change({ state: 'inactive', privGroup: 4, registerTransport: 'sip-udp' })),
    );
    const r = await run(['render', '--event', several, '--channel', 'log'], env);
    t.is(r.code, 0, r.stderr);
    const logged = JSON.parse(r.stdout);
    t.is(logged.title, 'Deactivated: Many Changes (and 2 other changes)');
    t.is(logged.lines.length, 3);
    const pw = join(dir, 'password.json');
    writeFileSync(pw, JSON.stringify(story.change({ password: 'Secret-1' })));
    const card = (await run(['render', '--event', pw, '--channel', 'log'], env)).stdout;
    t.is(card.match(/new password/g)?.length, 1, card);
    t.false(card.includes('Secret-1'));
    const role = join(dir, 'role.json');
    writeFileSync(role, JSON.stringify(story.change({ privGroup: 1 })));
    const roleCard = JSON.parse((await run(['render', '--event', role, '--channel', 'log'], env)).stdout);
    t.is(roleCard.summary, 'many_x is now Agent, privilege group 1.');
  } finally {
    cleanup(dir);
  }
});

test('the operating guide lists every command and every delivery status, and no guide advises npx of a package vcc-notify does not install', (t) => {
  const guide = docText('docs/operating.md');
  const table = guide.slice(guide.indexOf('### Command line'), guide.indexOf('### Checking the setup online'));
  for (const c of COMMANDS)
    t.true(table.includes(`npx vcc-notify ${c.join(' ')}`), `the CLI table lists ${c.join(' ')}`);
  for (const s of DELIVERY_STATUSES) t.true(table.includes(s), `the CLI table names the status ${s}`);
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const installed = new Set(['vcc-notify', ...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
  const advised = [...allDocs().matchAll(/npx ([a-z@][\w@/.-]*)/g)].map((m) => m[1]!);
  t.deepEqual(
    advised.filter((n) => !installed.has(n)),
    [],
  );
});
