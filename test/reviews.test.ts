import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, movableClock, startTestService, tempDir, until, type TestService } from './helpers/service.ts';
import { freshDatabase } from './helpers/postgres.ts';
import { eachStore, testStore } from './helpers/stores.ts';
import { FakeBotConnector, teamsActivity } from './fakes/botConnector.ts';
import { teamsBotTest } from './helpers/teamsSdks.ts';
import { FakeSlack, type SlackPost } from './fakes/slack.ts';
import { SECRET, SIGNING, command, start } from './helpers/slackChat.ts';
import { blockActions, viewSubmission } from './helpers/slackSign.ts';
import { buttons, interact } from './helpers/slackReviews.ts';
import { agentStory } from './helpers/agentStory.ts';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { runCli } from './helpers/child.ts';

const CONFIG = `channels:
  sec: { type: slack, channel: C0SEC, reviewers: [U0ALICE, S0SECOPS, U0CAROL], escalate: [U0BOSS] }
  ops: { type: slack, channel: C0OPS }
routes:
  - channel: sec
    events: [user.role_changed]
    review: true
  - channel: ops
`;
const q = { query: { 'secret-key': SECRET } };

/** The environment of a service in `dir` with `yaml` as its config file (written there), the webhook secret and `env`. */
function configured(dir: string, yaml: string, env: Record<string, string> = {}): Record<string, string> {
  writeFileSync(join(dir, 'vcc-notify.yaml'), yaml);
  return { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: join(dir, 'vcc-notify.yaml'), ...env };
}

/** The replies in threads among the fake Slack's posts (reminders, escalations). */
const threadReplies = (slack: FakeSlack) => slack.posts.filter((p) => p.fields.thread_ts !== undefined);
const ADMIN = 'reviews-admin-token-3c9e';

eachStore(
  'Slack review: a role change asks the reviewers; a non-reviewer and another channel are refused; the first reviewer decides, the message shows it for everyone; a later click is told who was first; Not expected asks a reason in a modal and escalates',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    slack.groups.set('S0SECOPS', ['U0BOB']);
    slack.emails.set('U0CAROL', 'carol_admin@example.com');
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const svc = await start(dir, slack, { ADMIN_TOKEN: ADMIN }, { config: CONFIG });
    let n = 0;
    /** A post's buttons as first posted (an edit replaces the post's blocks in the fake). */
    const asked = new Map<SlackPost, Record<string, string>>();
    const click = (user: string, post: SlackPost, action: string, channel = 'C0SEC') => {
      n += 1;
      if (!asked.has(post)) asked.set(post, buttons(post));
      return interact(
        svc,
        blockActions({
          user,
          channel,
          ts: post.ts!,
          actionId: action,
          value: asked.get(post)![action]!,
          responseUrl: slack.responseUrl(`r${n}`),
        }),
      );
    };
    const answer = async () => {
      const id = `r${n}`;
      await until(() => slack.responses.some((r) => r.id === id), 60_000, `the answer ${id}`);
      return String(slack.responses.find((r) => r.id === id)!.body.text);
    };
    try {
      const rachel = agentStory(4242, 'rachel_smith', 'Rachel Smith');
      await svc.send(rachel.created(), q);
      await svc.send(rachel.change({ privGroup: 5 }), q);
      await until(() => slack.posts.filter((p) => p.channel === 'C0SEC').length === 1, 60_000, 'the request');
      const request = slack.posts.find((p) => p.channel === 'C0SEC')!;
      t.regex(
        JSON.stringify(request.blocks),
        /Needs a decision: Expected or Not expected, by U0ALICE, S0SECOPS, U0CAROL/,
      );
      t.deepEqual(Object.keys(buttons(request)), ['review.expected', 'review.not-expected']);

      t.is((await click('U0EVE', request, 'review.expected')).status, 200);
      t.regex(
        await answer(),
        /^Not changed: only the reviewers of this channel may decide \(U0ALICE, S0SECOPS, U0CAROL\)/,
      );
      await click('U0ALICE', request, 'review.expected', 'C0OPS');
      t.regex(await answer(), /^Not changed: this is not a review of this channel/);
      t.is(slack.updates.length, 0, 'nothing changed');

      await click('U0ALICE', request, 'review.expected');
      t.regex(await answer(), /^Marked expected/);
      await until(() => slack.updates.length === 1, 60_000, 'the message edited');
      t.is(slack.updates[0]!.ts, request.ts!);
      t.regex(JSON.stringify(slack.updates[0]!.blocks), /Expected: reviewed by sue at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      t.false(JSON.stringify(slack.updates[0]!.blocks).includes('"actions"'), 'the controls are gone');
      await click('U0BOB', request, 'review.expected');
      t.regex(await answer(), /^Not changed: Already marked expected by sue at .* UTC: nothing changed\./);
      t.is(slack.updates.length, 1, 'a later click changes nothing');

      // Not expected: the click opens a modal for the reason; its submission decides and escalates.
      await svc.send(rachel.change({ privGroup: 6 }), q);
      await until(() => slack.posts.filter((p) => p.channel === 'C0SEC').length === 2, 60_000, 'the second request');
      const second = slack.posts.filter((p) => p.channel === 'C0SEC')[1]!;
      await click('U0BOB', second, 'review.not-expected');
      await until(() => slack.views.length === 1, 60_000, 'the modal');
      const modal = slack.views[0]!.view;
      t.is(modal.callback_id, 'review.not-expected');
      const empty = await interact(svc, viewSubmission({ user: 'U0BOB', view: modal, text: '' }));
      t.regex(empty.text, /"response_action":"errors".*a reason is required/);
      const sent = await interact(svc, viewSubmission({ user: 'U0BOB', view: modal, text: 'not requested by HR' }));
      t.is(sent.status, 200);
      t.notRegex(sent.text, /errors/);
      await until(() => slack.updates.length === 2, 60_000, 'the second message edited');
      t.regex(JSON.stringify(slack.updates[1]!.blocks), /Not expected: sue at .* UTC, \\"not requested by HR\\"/);
      await until(() => slack.posts.some((p) => p.fields.thread_ts === second.ts), 60_000, 'the escalation');
      const escalation = slack.posts.find((p) => p.fields.thread_ts === second.ts)!;
      t.regex(escalation.text, /<@U0BOSS>/);

      // Nobody reviews a change to their own account.
      const carol = agentStory(4243, 'carol_admin', 'Carol Admin');
      await svc.send(carol.created(), q);
      await svc.send(carol.change({ privGroup: 5 }), q);
      const requests = () => slack.posts.filter((p) => p.channel === 'C0SEC' && p.fields.thread_ts === undefined);
      await until(() => requests().length === 3, 60_000, 'the third request');
      const own = requests()[2]!;
      await interact(
        svc,
        blockActions({
          user: 'U0CAROL',
          channel: 'C0SEC',
          ts: own.ts!,
          actionId: 'review.expected',
          value: buttons(own)['review.expected']!,
          responseUrl: slack.responseUrl('own'),
        }),
      );
      await until(() => slack.responses.some((r) => r.id === 'own'), 60_000, 'the self-review answer');
      t.regex(
        String(slack.responses.find((r) => r.id === 'own')!.body.text),
        /nobody reviews a change to their own account/,
      );

      const audit = await svc.store.listAudit({ action: 'review.decide', limit: 20 });
      t.deepEqual(
        audit.map((e) => [e.outcome, e.actorId]),
        [
          ['refused', 'U0EVE'],
          ['refused', 'U0ALICE'],
          ['done', 'U0ALICE'],
          ['refused', 'U0BOB'],
          ['refused', 'U0BOB'],
          ['done', 'U0BOB'],
          ['refused', 'U0CAROL'],
        ],
      );
      // The record: every request with its decision, the header counting each status.
      const cli = (args: string[]) =>
        runCli(args, { VCC_NOTIFY_CONFIG: join(dir, 'vcc-notify.yaml'), DATABASE_URL: store.url });
      const csv = (await cli(['reviews', '--csv'])).stdout.trimEnd().split('\r\n');
      t.regex(csv[0]!, /^# vcc-notify reviews export made \d{4}-/);
      t.is(csv[1], '# filters: none');
      t.is(csv[2], '# reviews: 3 (pending 1, expected 1, not-expected 1)');
      t.is(csv.length, 4 + 3);
      t.regex(csv[5]!, /,not-expected,slack,U0BOB,sue,.*,not requested by HR,0,$/);
      const json = JSON.parse((await cli(['reviews', '--json', '--status', 'expected'])).stdout);
      t.deepEqual(
        [json.count, json.counts, json.reviews[0].decidedBy],
        [1, { pending: 0, expected: 1, 'not-expected': 0 }, { platform: 'slack', id: 'U0ALICE', name: 'sue' }],
      );
      t.regex(json.reviews[0].what.join(' '), /Privilege group/);
      const page = await fetch(`${svc.url}/admin/reviews.csv?status=not-expected`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      t.regex(
        await page.text(),
        /# filters: status=not-expected\r\n# reviews: 1 \(pending 0, expected 0, not-expected 1\)\r\n/,
      );
      const body = join(dir, 'role.json');
      writeFileSync(body, JSON.stringify(agentStory(9090, 'explained').change({ privGroup: 5 })));
      t.regex(
        (await cli(['explain', '--event', body])).stdout,
        /^review  sec: asks for a decision \(Expected \/ Not expected\) by U0ALICE, S0SECOPS, U0CAROL$/m,
      );
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      for (const line of [
        'vcc_notify_reviews_pending{channel="sec"} 1',
        'vcc_notify_review_decisions_total{outcome="expected"} 1',
        'vcc_notify_review_decisions_total{outcome="not-expected"} 1',
        'vcc_notify_review_clicks_refused_total{reason="not_reviewer"} 1',
        'vcc_notify_review_clicks_refused_total{reason="other_channel"} 1',
        'vcc_notify_review_clicks_refused_total{reason="already_decided"} 1',
        'vcc_notify_review_clicks_refused_total{reason="no_reason"} 1',
        'vcc_notify_review_clicks_refused_total{reason="own_account"} 1',
        'vcc_notify_review_decision_seconds_count 2',
      ])
        t.true(metrics.includes(line), line);
      assertNoSecrets(t, { log: svc.logs }, [SIGNING, SECRET, 'xoxb-cmd-token', ADMIN]);
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

const CONV = '19:security@thread.tacv2';
const ALICE = '00000000-0000-0000-0000-0000000a11ce';
const BOSS = '00000000-0000-0000-0000-00000000b055';

teamsBotTest(
  'Teams review: the card asks the reviewers; a non-reviewer is refused in the invoke response; the first reviewer decides and the card is updated for everyone; Not expected needs its reason and escalates in the thread; nobody reviews their own account (the member lookup gives the e-mail)',
  async (t, teamsEnv) => {
    const connector = await new FakeBotConnector().start();
    const dir = tempDir();
    const svc = await startTestService(
      configured(
        dir,
        `channels:\n  sec: { type: teams, conversation: "${CONV}", reviewers: ["${ALICE}"], escalate: [{ id: "${BOSS}", name: "Boss Bea" }] }\nroutes:\n  - channel: sec\n    events: [user.role_changed]\n    review: true\n`,
        teamsEnv,
      ),
      { dir, pollMs: 50 },
    );
    const post = (activity: unknown) =>
      fetch(`${svc.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
    const invoke = async (from: Record<string, unknown>, replyToId: string, data: Record<string, unknown>) => {
      const res = await post(
        teamsActivity(connector.url, CONV, {
          type: 'invoke',
          name: 'adaptiveCard/action',
          from,
          replyToId,
          value: { action: { type: 'Action.Execute', verb: data.vccAction, data }, trigger: 'manual' },
        }),
      );
      return String(((await res.json()) as { value: unknown }).value);
    };
    const alice = { id: '29:alice', name: 'Alice Reviewer', aadObjectId: ALICE };
    try {
      await post(teamsActivity(connector.url, CONV, { type: 'installationUpdate', action: 'add' }));
      const welcome = await until(() => connector.activities.length, 60_000, 'the welcome');
      const rachel = agentStory(5252, 'rachel_teams', 'Rachel Teams');
      await svc.send(rachel.change({ privGroup: 5 }), q);
      await until(() => connector.activities.length === welcome + 1, 60_000, 'the request card');
      const card = connector.activities[welcome]!.activity.attachments[0].content;
      const ref = `activity-${welcome + 1}`;
      const execute = card.actions.find((a: any) => a.verb === 'review.expected');
      t.deepEqual(Object.keys(execute.data), ['vccAction', 'value']);
      t.truthy(
        card.body.find((b: any) => b.type === 'Input.Text' && b.id === 'text'),
        'the reason input',
      );

      const sue = { id: '29:user-1', name: 'Supervisor Sue', aadObjectId: '00000000-0000-0000-0000-000000000001' };
      t.regex(await invoke(sue, ref, execute.data), /^Not changed: only the reviewers of this channel may decide/);
      const elsewhere = await post(
        teamsActivity(connector.url, '19:another-room@thread.tacv2', {
          type: 'invoke',
          name: 'adaptiveCard/action',
          from: alice,
          value: {
            action: { type: 'Action.Execute', verb: execute.data.vccAction, data: execute.data },
            trigger: 'manual',
          },
        }),
      );
      t.regex(String(((await elsewhere.json()) as { value: unknown }).value), /not a review of this channel/);
      t.is(connector.updates.length, 0);
      t.regex(await invoke(alice, ref, execute.data), /^Marked expected/);
      await until(() => connector.updates.length === 1, 60_000, 'the card updated');
      t.is(connector.updates[0]!.id, ref);
      const updated = JSON.stringify(connector.updates[0]!.activity);
      t.regex(updated, /Expected: reviewed by Alice Reviewer at .* UTC/);
      t.false(updated.includes('Action.Execute'), 'the controls are gone');
      t.regex(await invoke(alice, ref, execute.data), /Already marked expected by Alice Reviewer/);

      await svc.send(rachel.change({ privGroup: 6 }), q);
      await until(() => connector.activities.length === welcome + 2, 60_000, 'the second card');
      const second = `activity-${welcome + 2}`;
      const no = connector.activities[welcome + 1]!.activity.attachments[0].content.actions.find(
        (a: any) => a.verb === 'review.not-expected',
      );
      t.regex(await invoke(alice, second, no.data), /a reason is required/);
      t.regex(await invoke(alice, second, { ...no.data, text: 'not requested by HR' }), /^Marked not expected/);
      await until(() => connector.updates.length === 2, 60_000, 'the second card updated');
      t.regex(
        JSON.stringify(connector.updates[1]!.activity),
        /Not expected: Alice Reviewer at .* UTC, \\"not requested by HR\\"/,
      );
      await until(() => connector.activities.some((a) => a.replyTo === second), 60_000, 'the escalation');
      const escalation = connector.activities.find((a) => a.replyTo === second)!;
      t.regex(JSON.stringify(escalation.activity), /<at>Boss Bea<\/at>/);

      // Nobody reviews a change to their own account: Teams gives the e-mail through a member lookup.
      connector.members.push({ ...alice, email: 'Alice_Teams@example.com', userPrincipalName: 'alice@corp.example' });
      const own = agentStory(5253, 'alice_teams', 'Alice Teams');
      const before = connector.activities.length;
      await svc.send(own.change({ privGroup: 5 }), q);
      await until(() => connector.activities.length > before, 60_000, 'the third card');
      const third = connector.activities.at(-1)!;
      const yes = third.activity.attachments[0].content.actions.find((a: any) => a.verb === 'review.expected');
      t.regex(
        await invoke(alice, `activity-${connector.activities.length}`, yes.data),
        /nobody reviews a change to their own account/,
      );
      t.is(connector.lookups.at(-1)?.[1], '29:alice', "looked up by the clicker's Bot Framework id");
      t.deepEqual(
        (await svc.store.listAudit({ action: 'review.decide', limit: 10 })).map((e) => [
          e.outcome,
          e.platform,
          e.actorId,
        ]),
        [
          ['refused', 'teams', sue.aadObjectId],
          ['refused', 'teams', ALICE],
          ['done', 'teams', ALICE],
          ['refused', 'teams', ALICE],
          ['refused', 'teams', ALICE],
          ['done', 'teams', ALICE],
          ['refused', 'teams', ALICE],
        ],
      );
    } finally {
      await svc.stop();
      await connector.stop();
      cleanup(dir);
    }
  },
);

test('review reminders: due after remind_after, each sent once by two instances on one Postgres, then one escalation; all on the record', async (t) => {
  const db = await freshDatabase();
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const env = configured(
    dir,
    'channels:\n  sec: { type: slack, channel: C0SEC, reviewers: [U0ALICE], escalate: [U0BOSS], remind_after: 1m, reminders: 2 }\nroutes:\n  - channel: sec\n    events: [user.role_changed]\n    review: true\n',
    {
      SLACK_BOT_TOKEN: 'xoxb-remind',
      SLACK_API_URL: slack.apiUrl,
      DATABASE_URL: db.url,
    },
  );
  const clock = movableClock('2026-12-07T09:00:00Z');
  const opts = { dir, pollMs: 50, clock: clock.now, reviewRemindMs: 50 };
  const a = await startTestService(env, opts);
  const b = await startTestService(env, opts);
  const replies = () => threadReplies(slack);
  try {
    await a.send(agentStory(6161, 'late_decision').change({ privGroup: 5 }), q);
    await until(() => slack.posts.length === 1, 60_000, 'the request');
    const ts = slack.posts[0]!.ts;
    clock.moveTo('2026-12-07T09:00:59Z');
    await until(async () => (await a.store.dueReviews(clock.now() + 60_000, 5)).length === 1, 60_000, 'the review');
    t.is(replies().length, 0, 'not before remind_after');
    for (const [at, n] of [
      ['2026-12-07T09:01:01Z', 1],
      ['2026-12-07T09:02:02Z', 2],
      ['2026-12-07T09:03:03Z', 3],
    ] as const) {
      clock.moveTo(at);
      await until(() => replies().length === n, 60_000, `reply ${n}`);
    }
    clock.moveTo('2026-12-07T09:10:00Z');
    const audit = () => a.store.listAudit({ limit: 10 });
    await until(async () => (await audit()).length === 3, 60_000, 'the record');
    t.deepEqual(
      replies().map((p) => [p.fields.thread_ts, /Reminder/.test(p.text), p.text.includes('<@U0BOSS>')]),
      [
        [ts, true, false],
        [ts, true, false],
        [ts, false, true],
      ],
    );
    t.regex(replies()[0]!.text, /Reminder: the change to late_decision still needs a decision/);
    t.deepEqual(
      (await audit()).map((e) => [e.action, e.via, e.target, e.detail]),
      [
        ['review.remind', 'system', 'review #1', 'reminder 1 of 2'],
        ['review.remind', 'system', 'review #1', 'reminder 2 of 2'],
        ['review.escalate', 'system', 'review #1', 'no decision: escalated'],
      ],
    );
    t.is(replies().length, 3, 'nothing more once escalated');
  } finally {
    await a.stop();
    await b.stop();
    await slack.stop();
    cleanup(dir);
    await db.drop();
  }
});

test('Slack Socket Mode: a review click arrives over the WebSocket and decides, as over HTTP', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await startTestService(
    configured(
      dir,
      'channels:\n  sec: { type: slack, channel: C0SEC, reviewers: [U0ALICE] }\nroutes:\n  - channel: sec\n    review: true\n',
      {
        SLACK_BOT_TOKEN: 'xoxb-sock',
        SLACK_APP_TOKEN: 'xapp-sock',
        SLACK_API_URL: slack.apiUrl,
      },
    ),
    { dir, pollMs: 50 },
  );
  try {
    await until(() => slack.sockets.size === 1, 60_000, 'the socket connection');
    await svc.send(agentStory(7171, 'sock_agent').change({ privGroup: 5 }), q);
    await until(() => slack.posts.length === 1, 60_000, 'the request');
    const request = slack.posts[0]!;
    const payload = JSON.parse(
      new URLSearchParams(
        blockActions({
          user: 'U0ALICE',
          channel: 'C0SEC',
          ts: request.ts!,
          actionId: 'review.expected',
          value: buttons(request)['review.expected']!,
          responseUrl: slack.responseUrl('sock'),
        }),
      ).get('payload')!,
    );
    await slack.envelope('interactive', payload);
    await until(() => slack.responses.some((r) => r.id === 'sock'), 60_000, 'the answer');
    t.regex(String(slack.responses.find((r) => r.id === 'sock')!.body.text), /^Marked expected/);
    await until(() => slack.updates.length === 1, 60_000, 'the message edited');
    t.regex(JSON.stringify(slack.updates[0]!.blocks), /Expected: reviewed by sue/);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('a race: 50 reviewers click Expected at once on two instances sharing Postgres: one decision, one edit, 49 told who was first', async (t) => {
  const db = await freshDatabase();
  const slack = await new FakeSlack().start();
  const users = Array.from({ length: 50 }, (_, i) => `U0R${String(i).padStart(3, '0')}`);
  slack.groups.set('S0MANY', users);
  const dir = tempDir();
  const env = configured(
    dir,
    'channels:\n  sec: { type: slack, channel: C0SEC, reviewers: [S0MANY] }\nroutes:\n  - channel: sec\n    review: true\n',
    {
      SLACK_BOT_TOKEN: 'xoxb-race',
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING,
      DATABASE_URL: db.url,
    },
  );
  const a = await startTestService(env, { dir, pollMs: 50 });
  const b = await startTestService(env, { dir, pollMs: 50 });
  try {
    await a.send(agentStory(8181, 'raced').change({ privGroup: 5 }), q);
    await until(() => slack.posts.length === 1, 60_000, 'the request');
    const request = slack.posts[0]!;
    const value = buttons(request)['review.expected']!;
    const statuses = await Promise.all(
      users.map((user, i) =>
        interact(
          i % 2 ? a : b,
          blockActions({
            user,
            channel: 'C0SEC',
            ts: request.ts!,
            actionId: 'review.expected',
            value,
            responseUrl: slack.responseUrl(`race${i}`),
          }),
        ),
      ),
    );
    t.deepEqual(
      statuses.map((s) => s.status),
      users.map(() => 200),
    );
    await until(() => slack.responses.filter((r) => r.id.startsWith('race')).length === 50, 60_000, 'every answer');
    const texts = slack.responses.filter((r) => r.id.startsWith('race')).map((r) => String(r.body.text));
    t.is(texts.filter((x) => x.startsWith('Marked expected')).length, 1);
    t.is(texts.filter((x) => /Already marked expected by sue/.test(x)).length, 49);
    await until(() => slack.updates.length >= 1, 60_000, 'the edit');
    const decided = (await a.store.listAudit({ action: 'review.decide', limit: 100 })).filter(
      (e) => e.outcome === 'done',
    );
    t.is(decided.length, 1, 'one decision on the record');
    t.is(slack.updates.length, 1, 'one edit');
  } finally {
    await a.stop();
    await b.stop();
    await slack.stop();
    cleanup(dir);
    await db.drop();
  }
});

test("review reminders wait for the request's active hours: one due after office hours goes the next morning", async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const clock = movableClock('2026-12-07T16:30:00Z'); // a Monday
  const svc = await startTestService(
    configured(
      dir,
      [
        'time_intervals:',
        '  office:',
        '    - weekdays: [monday:friday]',
        '      times: [{ start_time: "09:00", end_time: "17:00" }]',
        'channels:',
        '  sec: { type: slack, channel: C0SEC, reviewers: [U0ALICE], remind_after: 1h }',
        'routes:',
        '  - channel: sec',
        '    review: true',
        '    active: [office]',
        '',
      ].join('\n'),
      {
        SLACK_BOT_TOKEN: 'xoxb-hours',
        SLACK_API_URL: slack.apiUrl,
      },
    ),
    { dir, pollMs: 50, clock: clock.now, reviewRemindMs: 50 },
  );
  const replies = () => threadReplies(slack);
  try {
    await svc.send(agentStory(7272, 'late_office').change({ privGroup: 5 }), q);
    await until(() => slack.posts.length === 1, 60_000, 'the request, in office hours');
    clock.moveTo('2026-12-07T17:31:00Z');
    const review = async () => (await svc.store.listReviews({ limit: 1 }))[0]!;
    await until(async () => (await review()).nextRemindAt === Date.parse('2026-12-08T09:00:00Z'), 60_000, 'put off');
    t.is(replies().length, 0, 'no reminder after hours');
    clock.moveTo('2026-12-08T09:00:30Z');
    await until(() => replies().length === 1, 60_000, 'the reminder in the morning');
    t.regex(replies()[0]!.text, /Reminder: the change to late_office still needs a decision/);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('reviews from chat: /vcc reviewers sets who decides (ids checked), /vcc subscribe ... review asks them, and a click decides; a reviewed subscription without reviewers is refused', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await start(dir, slack, {}, { config: 'channels:\n  log: { type: console }\nroutes: []\n' });
  const say = async (text: string) => String((await command(svc, slack, text, { channel: 'C0CHATSEC' })).json.text);
  try {
    t.regex(
      await say('subscribe role review'),
      /^Not changed: this channel has no reviewers: set who may decide first/,
    );
    t.regex(await say('reviewers alice'), /^Not changed: "alice" is not a reviewer id here/);
    t.regex(await say('reviewers <@U0ALICE|alice> <!subteam^S0SEC|@sec>'), /^Reviewers set: U0ALICE, S0SEC\./);
    t.regex(await say('reviewers'), /^Reviewers: U0ALICE, S0SEC$/);
    t.regex(await say('subscribe role review'), /^Subscribed\..*user\.role_changed \(asks the reviewers\)/s);
    await svc.send(agentStory(6363, 'chat_reviewed').change({ privGroup: 5 }), q);
    await until(() => slack.posts.length === 1, 60_000, 'the request');
    const request = slack.posts[0]!;
    t.regex(JSON.stringify(request.blocks), /Needs a decision: Expected or Not expected, by U0ALICE, S0SEC/);
    await interact(
      svc,
      blockActions({
        user: 'U0ALICE',
        channel: 'C0CHATSEC',
        ts: request.ts!,
        actionId: 'review.expected',
        value: buttons(request)['review.expected']!,
        responseUrl: slack.responseUrl('chat'),
      }),
    );
    await until(() => slack.updates.length === 1, 60_000, 'the decision shown');
    t.regex(JSON.stringify(slack.updates[0]!.blocks), /Expected: reviewed by sue/);
    t.deepEqual(
      (await svc.store.listAudit({ limit: 20 })).map((e) => [e.action, e.outcome]),
      [
        ['subscribe', 'refused'],
        ['reviewers.set', 'refused'],
        ['reviewers.set', 'done'],
        ['subscribe', 'done'],
        ['review.decide', 'done'],
      ],
    );
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

/** A service in `dir` with one reviewed Slack channel reminded after 1 minute, twice, on a clock the test moves. */
function reminding(dir: string, slack: FakeSlack) {
  const env = configured(
    dir,
    'channels:\n  sec: { type: slack, channel: C0SEC, reviewers: [U0ALICE], remind_after: 1m, reminders: 2 }\nroutes:\n  - channel: sec\n    review: true\n',
    { SLACK_BOT_TOKEN: 'xoxb-reminding', SLACK_API_URL: slack.apiUrl },
  );
  const clock = movableClock('2026-12-07T09:00:00Z');
  return { env, clock, opts: { dir, pollMs: 50, clock: clock.now, reviewRemindMs: 50 } };
}

/** The audit log holds the two reminders, each once. */
async function bothReminders(t: ExecutionContext, svc: TestService) {
  t.deepEqual(
    (await svc.store.listAudit({ limit: 5 })).map((e) => e.detail),
    ['reminder 1 of 2', 'reminder 2 of 2'],
  );
}

test('review reminders across a restart: a sent reminder is not sent again, the next one comes on time', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const { env, clock, opts } = reminding(dir, slack);
  let svc = await startTestService(env, opts);
  const replies = () => threadReplies(slack);
  try {
    await svc.send(agentStory(7373, 'restarted').change({ privGroup: 5 }), q);
    await until(() => slack.posts.length === 1, 60_000, 'the request');
    clock.moveTo('2026-12-07T09:01:01Z');
    await until(() => replies().length === 1, 60_000, 'the first reminder');
    await svc.stop();
    svc = await startTestService(env, opts);
    clock.moveTo('2026-12-07T09:01:30Z');
    await until(async () => (await svc.store.listAudit({ limit: 5 })).length === 1, 60_000, 'the record');
    // What the store holds decides it: the first reminder counted, the next one due later.
    const [review] = await svc.store.listReviews({ limit: 1 });
    t.is(review!.remindersSent, 1);
    t.true(review!.nextRemindAt! >= Date.parse('2026-12-07T09:02:01Z') && review!.nextRemindAt! > clock.now());
    t.is(replies().length, 1, 'not sent again after the restart');
    clock.moveTo('2026-12-07T09:02:02Z');
    await until(() => replies().length === 2, 60_000, 'the second reminder, on time');
    await bothReminders(t, svc);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

eachStore(
  'a reminder whose reply fails is owed, not lost: tried again a minute on, across a restart, sent once; the next one counts from it',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const { env, clock, opts } = reminding(dir, slack);
    let svc = await startTestService(env, opts);
    const replies = () => threadReplies(slack);
    const review = async () => (await svc.store.listReviews({ limit: 1 }))[0]!;
    try {
      await svc.send(agentStory(7474, 'owed_reply').change({ privGroup: 5 }), q);
      await until(() => slack.posts.length === 1, 60_000, 'the request');
      slack.script.push({ status: 503 });
      clock.moveTo('2026-12-07T09:01:01Z');
      await until(
        async () => (await review()).owed === 'remind' && slack.script.length === 0,
        60_000,
        'the failed try',
      );
      t.like(await review(), { remindersSent: 1, owedTries: 1 });
      t.is(replies().length, 0);
      await svc.stop();
      svc = await startTestService(env, opts);
      clock.moveTo('2026-12-07T09:01:40Z');
      await until(async () => (await svc.store.listAudit({ limit: 5 })).length === 1, 60_000, 'the record, read again');
      t.is(replies().length, 0, 'not before its retry time');
      clock.moveTo('2026-12-07T09:02:05Z');
      await until(() => replies().length === 1, 60_000, 'the owed reminder, after the restart');
      t.regex(replies()[0]!.text, /Reminder: the change to owed_reply still needs a decision/);
      await until(async () => (await review()).owed === null, 60_000, 'settled');
      const settled = await review();
      t.like(settled, { remindersSent: 1, owedAt: null });
      t.true(
        settled.nextRemindAt! >= Date.parse('2026-12-07T09:03:05Z'),
        'the next one a remind_after from the late one',
      );
      t.is(replies().length, 1, 'sent once');
      clock.moveTo('2026-12-07T09:03:10Z');
      await until(() => replies().length === 2, 60_000, 'the second reminder');
      await bothReminders(t, svc);
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);
