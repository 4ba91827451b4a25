// Issue 15 through the real service and CLI: labels, resend, history, the admin search,
// user timeline and CSV.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { createdBody, vccFixture } from './helpers/fixtures.ts';
import { runCli } from './helpers/child.ts';
import { startAllPlatforms } from './helpers/allPlatforms.ts';
import { FakeSlack } from './fakes/slack.ts';

const SECRET = 'operators-secret';
const TOKEN = 'operators-admin-token';
const q = { 'secret-key': SECRET };

/** A VCC body changing user `userId` from `old` to `changes` (on the sample user). */
function changedBody(userId: number, old: Record<string, unknown>, changes: Record<string, unknown>, at: string): any {
  const base = vccFixture('user-changed');
  return {
    ...base,
    timestamp: at,
    old: { ...base.old, userId, ...old },
    new: { ...base.new, userId, redistribution: 0, ...old, ...changes },
  };
}

test('labels: a role change to privilege group 4 reads "Team lead" in Slack, Teams Workflows and Google Chat', async (t) => {
  const { slack, teams, chat, svc, stop } = await startAllPlatforms(
    SECRET,
    `
  - { channel: api, events: [user.role_changed] }
  - { channel: flow, events: [user.role_changed] }
  - { channel: gchat, events: [user.role_changed] }`,
    'labels:\n  privGroup: { 3: Agent, 4: Team lead }\n',
  );
  try {
    t.is(
      (await svc.send(changedBody(501, { privGroup: 3 }, { privGroup: 4 }, '2026-11-30T09:00:00Z'), { query: q }))
        .status,
      200,
    );
    await until(
      () => slack.posts.length === 1 && teams.posts.length === 1 && chat.posts.length === 1,
      60_000,
      'delivered',
    );
    const texts = {
      slack: JSON.stringify(slack.posts[0]!.blocks),
      teams: JSON.stringify(teams.posts[0]!.body),
      chat: JSON.stringify(chat.posts[0]!.body),
    };
    for (const [target, text] of Object.entries(texts)) {
      t.true(text.includes('is now Team lead (agent)'), `${target}: the summary names the group`);
      t.false(text.includes('an agent ('), `${target}: one way to say a role`);
      t.true(text.includes('Privilege group: Agent → Team lead'), `${target}: the change line uses both labels`);
      t.false(text.includes('privilege group 4'), `${target}: no bare code`);
    }
  } finally {
    await stop();
  }
});

test('resend: an event stored before its channel existed arrives once; unknown event or channel is one line and exit 1', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  log: { type: console }\nroutes:\n  - channel: log\n');
  const env = {
    VCC_WEBHOOK_SECRET: SECRET,
    VCC_NOTIFY_CONFIG: cfg,
    SLACK_BOT_TOKEN: 'xoxb-resend',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
  };
  const svc = await startTestService(env, { dir, pollMs: 50 });
  try {
    const r = await svc.send(createdBody({ name: 'Early Bird', username: 'early' }), { query: q });
    t.is(r.status, 200);
    await until(() => svc.printed.length === 1, 60_000, 'console got it');
    // The Slack channel is added afterwards; reposting the event would only be a duplicate.
    writeFileSync(
      cfg,
      'channels:\n  log: { type: console }\n  late: { type: slack, channel: C0LATE }\nroutes:\n  - channel: log\n',
    );
    svc.reload();
    t.is((await svc.send(null, { raw: JSON.stringify(createdBody({ name: 'Other' })), query: q })).status, 200);
    const sent = await runCli(['resend', '--event', String(r.json.event), '--channel', 'late'], env);
    t.is(sent.code, 0, sent.stderr);
    t.regex(sent.stdout, new RegExp(`^event ${r.json.event} queued for late \\(delivery #\\d+\\)`));
    await until(() => slack.posts.length === 1, 60_000, 'the resend reached Slack');
    t.is(slack.posts[0]!.channel, 'C0LATE');
    t.true(JSON.stringify(slack.posts[0]!.blocks).includes('Early Bird'));
    await until(
      async () =>
        (await svc.store.listDeliveries({ eventId: r.json.event, limit: 5 })).some(
          (d) => d.channel === 'late' && d.status === 'sent',
        ),
      60_000,
      'recorded as sent',
    );
    await new Promise((res) => setTimeout(res, 300));
    t.is(slack.posts.length, 1, 'sent once');
    for (const [args, message] of [
      [['resend', '--event', '999'], /^vcc-notify: no event 999\n$/],
      [
        ['resend', '--event', String(r.json.event), '--channel', 'lat'],
        /^vcc-notify: unknown channel "lat" \(channels: log, late\)\n$/,
      ],
      [['resend', '--event', 'x'], /option '--event <id>' argument 'x' is invalid/],
    ] as const) {
      const bad = await runCli([...args], env);
      t.is(bad.code, 1, args.join(' '));
      t.regex(bad.stderr, message);
    }
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

/** One user's life in VCC, and someone else, as the history and admin tests see them. */
async function seedPeople(svc: Awaited<ReturnType<typeof startTestService>>) {
  const bodies = [
    changedBody(7001, { privGroup: 3 }, { privGroup: 4 }, '2026-11-20T09:00:00Z'),
    changedBody(7001, { monthly: 1000 }, { monthly: 25389170 }, '2026-11-21T09:00:00Z'),
    (() => {
      const b = changedBody(7001, {}, {}, '2026-11-22T09:00:00Z');
      return { ...b, new: { ...b.new, password: 'Secr3t-Pa55' } };
    })(),
    changedBody(7001, { state: 'active' }, { state: 'inactive' }, '2026-11-23T09:00:00Z'),
    changedBody(
      7002,
      { state: 'active' },
      { state: 'inactive', name: '=HYPERLINK("http://x","y")', username: 'formula' },
      '2026-11-23T10:00:00Z',
    ),
  ];
  const ids: number[] = [];
  for (const b of bodies) {
    const r = await svc.send(b, { query: q });
    if (r.status !== 200) throw new Error(`seed: ${r.status} ${JSON.stringify(r.json)}`);
    ids.push(r.json.event);
  }
  return ids;
}

test("history: one user's events newest first with labelled changes and deliveries; no password, no wage values", async (t) => {
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    'channels:\n  log: { type: console }\nroutes:\n  - channel: log\nlabels:\n  privGroup: { 3: Agent, 4: Team lead }\n',
  );
  const env = { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}` };
  const svc = await startTestService(env, { dir, pollMs: 50 });
  try {
    const ids = await seedPeople(svc);
    await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'delivered');
    const json = await runCli(['history', '--user', '7001', '--json'], env);
    t.is(json.code, 0, json.stderr);
    const h = JSON.parse(json.stdout);
    t.deepEqual(
      h.events.map((e: any) => e.id),
      [ids[3], ids[2], ids[1], ids[0]],
      'only 7001, newest first',
    );
    t.deepEqual(
      h.events.map((e: any) => e.kinds),
      [['user.state_changed'], ['user.password_changed'], ['user.updated'], ['user.role_changed']],
    );
    t.deepEqual(h.events[3].changes, ['Privilege group: Agent (3) → Team lead (4)']);
    t.deepEqual(h.events[2].changes, ['Monthly wage: changed (value hidden)']);
    t.deepEqual(h.events[1].changes, ['Password reset (never shown)'], 'words, not a kind name');
    t.deepEqual(h.events[0].deliveries, [{ channel: 'log', status: 'sent', attempts: 1, thread: null }]);
    const text = await runCli(['history', '--user', '7001', '--limit', '2'], env);
    t.regex(
      text.stdout,
      new RegExp(
        `^#${ids[3]}  2\\d{3}-.*  user.state_changed  Rachel Smith\n    State: active → inactive\n    deliveries: log sent\n#${ids[2]} `,
      ),
    );
    t.regex(text.stdout, new RegExp(`\\(more: add --before ${ids[2]}\\)\n$`));
    t.regex(
      (await runCli(['history', '--user', '404'], env)).stdout,
      /^no events for a user with the id, username or e-mail "404", or a name starting with "404"\n$/,
    );
    assertNoSecrets(t, { json: json.stdout, text: text.stdout }, ['Secr3t-Pa55', '25389170']);
  } finally {
    await svc.stop();
    cleanup(dir);
  }
});

test("admin: search, one user's timeline, the CSV of exactly that user, and a CSRF-checked resend button", async (t) => {
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    'channels:\n  log: { type: console }\n  audit: { type: console }\nroutes:\n  - channel: log\nlabels:\n  privGroup: { 4: Team lead }\n',
  );
  const svc = await startTestService(
    { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, ADMIN_TOKEN: TOKEN },
    { dir, pollMs: 50 },
  );
  const get = async (path: string) => {
    const res = await fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  try {
    const ids = await seedPeople(svc);
    // Dates are when the service received the event (today, here), whole days in UTC.
    const today = new Date().toISOString().slice(0, 10);
    const search = await get(`/admin?q=RACHEL&kind=state&since=${today}&until=${today}`);
    t.is(search.status, 200);
    t.true(search.text.includes(`href="/admin/events/${ids[3]}"`), 'found the deactivation');
    t.false(search.text.includes(`href="/admin/events/${ids[0]}"`), 'the role change is another kind');
    t.false(search.text.includes(`href="/admin/events/${ids[4]}"`), 'user 7002 is not Rachel');
    t.false(
      (await get('/admin?q=rachel&until=2020-01-01')).text.includes('href="/admin/events/'),
      'nothing received before 2020',
    );
    t.regex((await get('/admin?since=yesterday')).text, /since: &quot;yesterday&quot; is not a date/);
    t.is((await get('/admin?kind=deleted')).status, 400);
    const user = await get('/admin/users/7001');
    t.deepEqual(
      [...user.text.matchAll(/href="\/admin\/events\/(\d+)"/g)].map((m) => Number(m[1])),
      [ids[3], ids[2], ids[1], ids[0]],
    );
    t.true(user.text.includes('Privilege group: 3 → Team lead (4)'));
    const csv = await get('/admin/events.csv?user=7001');
    t.is(csv.type, 'text/csv; charset=utf-8');
    const rows = csv.text.trimEnd().split('\r\n');
    t.is(rows[0], 'event_id,received_at,user_id,name,username,kinds,changes,deliveries');
    t.deepEqual(
      rows.slice(1).map((r) => Number(r.split(',')[0])),
      [ids[3], ids[2], ids[1], ids[0]],
      "exactly that user's events",
    );
    const other = (await get('/admin/events.csv?user=7002')).text;
    t.true(other.includes(`"'=HYPERLINK(""http://x"",""y"")"`), 'a formula is neutralised and quoted');
    assertNoSecrets(t, { csv: csv.text, user: user.text, search: search.text }, [
      'Secr3t-Pa55',
      '25389170',
      TOKEN,
      SECRET,
    ]);

    const page = await get(`/admin/events/${ids[0]}`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
    t.true(page.text.includes('Resend to audit'));
    const post = (body: string) =>
      fetch(`${svc.url}/admin/events/${ids[0]}/resend`, {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    t.is((await post('channel=audit&csrf=forged')).status, 403);
    t.is((await post(`channel=nope&csrf=${encodeURIComponent(csrf)}`)).status, 404);
    const ok = await post(`channel=audit&csrf=${encodeURIComponent(csrf)}`);
    t.is(ok.status, 303);
    t.is(ok.headers.get('location'), `/admin/events/${ids[0]}?resent=audit`);
    await until(
      async () =>
        (await svc.store.listDeliveries({ eventId: ids[0]!, limit: 5 })).some(
          (d) => d.channel === 'audit' && d.status === 'sent',
        ),
      60_000,
      'resent to audit',
    );
    t.true(
      (await get(`/admin/events/${ids[0]}`)).text.includes('<td>audit</td>'),
      "the resend shows in the event's deliveries",
    );
  } finally {
    await svc.stop();
    cleanup(dir);
  }
});
