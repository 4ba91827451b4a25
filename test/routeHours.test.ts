import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, movableClock, startTestService, tempDir, until } from './helpers/service.ts';
import { agentStory } from './helpers/agentStory.ts';
import { FakeSlack } from './fakes/slack.ts';
import { command, SECRET as CHAT_SECRET, start as startChat } from './helpers/slackChat.ts';
import { planDeliveries, type Route, type RouteHours } from '../src/routing/route.ts';
import type { Change } from '../src/vcc/changes.ts';
import { eachStore, testStore } from './helpers/stores.ts';

const NIGHTS = `time_intervals:
  nights:
    - times: [{ start_time: "22:00", end_time: "24:00" }]
      location: Europe/Budapest
    - times: [{ start_time: "00:00", end_time: "06:00" }]
      location: Europe/Budapest
`;
// 23:30 in Budapest (CET, +1) on a Monday in December, and 06:01 the next morning.
const NIGHT = '2026-12-07T22:30:00Z';
const MORNING = '2026-12-08T05:01:00Z';

const nights: RouteHours = { mode: 'quiet', intervals: ['nights'] };
const office: RouteHours = { mode: 'active', intervals: ['office'] };
const change = (kind: Change['kind']) => ({ kind }) as Change;

const cases: Array<{ name: string; routes: Route[]; changes: Change[]; hours: unknown }> = [
  {
    name: 'a route without hours: none',
    routes: [{ channel: 'hr' }],
    changes: [change('user.created')],
    hours: undefined,
  },
  {
    name: 'a quiet route: its hours',
    routes: [{ channel: 'hr', hours: nights }],
    changes: [change('user.created')],
    hours: [nights],
  },
  {
    name: 'its urgent kind: none',
    routes: [{ channel: 'hr', hours: nights, urgent: ['user.role_changed'] }],
    changes: [change('user.created'), change('user.role_changed')],
    hours: undefined,
  },
  {
    name: 'another matched route without hours wins: none',
    routes: [
      { channel: 'hr', hours: nights },
      { channel: 'hr', events: ['user.created'] },
    ],
    changes: [change('user.created')],
    hours: undefined,
  },
  {
    name: 'two routes with hours: both (waits while each is quiet), each once',
    routes: [
      { channel: 'hr', hours: nights },
      { channel: 'hr', hours: office },
      { channel: 'hr', hours: nights },
    ],
    changes: [change('user.created')],
    hours: [nights, office],
  },
  {
    name: 'a route that does not match adds nothing',
    routes: [
      { channel: 'hr', events: ['user.created'] },
      { channel: 'hr', events: ['user.state_changed'], hours: nights },
    ],
    changes: [change('user.created')],
    hours: undefined,
  },
];
for (const c of cases) {
  test(`planDeliveries: route hours: ${c.name}`, (t) => {
    const [planned] = planDeliveries({}, c.changes, c.routes);
    t.deepEqual(planned!.hours, c.hours);
  });
}

eachStore(
  'quiet hours on a route: its events wait (past a full read of them), other routes and urgent kinds go at once, the morning brings summaries',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(
      cfg,
      `${NIGHTS}channels:
  hr: { type: slack, channel: C0HR }
routes:
  - channel: hr
    events: [user.created, user.state_changed]
    quiet: nights
    urgent: [user.state_changed]
  - channel: hr
    events: [user.role_changed]
`,
    );
    const clock = movableClock(NIGHT);
    const env = {
      VCC_WEBHOOK_SECRET: CHAT_SECRET,
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-r',
      SLACK_API_URL: slack.apiUrl,
    };
    // A read takes 3: the four held creations fill more than a read, and what follows them still goes.
    const svc = await startTestService(env, { dir, pollMs: 50, clock: clock.now, batchLimit: 3 });
    const q = { query: { 'secret-key': CHAT_SECRET } };
    try {
      const agents = [1, 2, 3, 4].map((n) => agentStory(5400 + n, `night_${n}`, `Night ${n}`));
      for (const a of agents) t.is((await svc.send(a.created(), q)).status, 200);
      await svc.send(agents[0]!.change({ privGroup: 4 }), q);
      await until(() => slack.posts.length === 1, 60_000, 'the role change (a route without hours)');
      t.regex(slack.posts[0]!.text, /^Role changed: Night 1$/);
      await svc.send(agents[1]!.change({ state: 'inactive' }), q);
      await until(() => slack.posts.length === 2, 60_000, 'the state change (urgent on its route)');
      t.regex(slack.posts[1]!.text, /Night 2/);
      await until(async () => (await svc.store.queueStats()).pending === 4, 60_000, 'four held');

      clock.moveTo(MORNING);
      svc.worker.wake();
      await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'drained');
      // One summary per read of 3 (with the default of 500, one).
      t.deepEqual(
        slack.posts.slice(2).map((p) => p.text),
        ['While you were away: 3 changes', 'While you were away: 1 change'],
      );
      const body = JSON.stringify(slack.posts.slice(2).map((p) => p.blocks));
      for (const n of [1, 2, 3, 4]) t.true(body.includes(`Night ${n}`), body);
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

eachStore(
  '/vcc hours: a chat-made channel holds what arrives in quiet hours; urgent kinds go; a misspelt interval changes nothing; hours off',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const clock = movableClock(NIGHT);
    const config = `${NIGHTS}channels:\n  ops: { type: slack, channel: C0FILE }\n`;
    const svc = await startChat(dir, slack, {}, { config, clock: clock.now });
    const q = { query: { 'secret-key': CHAT_SECRET } };
    try {
      // Signed at the service's time (its clock checks the request's age).
      const ts = () => Math.floor(clock.now() / 1000);
      const text = async (cmd: string) => String((await command(svc, slack, cmd, { ts: ts() })).json.text);
      t.regex(await text('hours'), /^No hours/);
      t.is(
        await text('hours quiet nigths'),
        'Not changed: unknown time interval "nigths" (the config file\'s time intervals: nights).',
      );
      t.regex(await text('hours sideways nights'), /^hours takes quiet or active/);
      t.regex(await text('hours quiet nights urgent nope'), /^unknown kind "nope"/);
      t.regex(await text('hours'), /^No hours/, 'nothing changed');
      t.regex(await text('subscribe created role'), /^Subscribed/);
      t.is(
        await text('hours quiet nights urgent role'),
        'Hours set: quiet nights; urgent: user.role_changed. What arrives while quiet waits and comes as one summary.',
      );
      t.regex(await text('list'), /\nHours: quiet nights; urgent: user\.role_changed$/);

      const chat = () => slack.posts.filter((p) => p.channel === 'C0CHAT');
      const ann = agentStory(5501, 'ann_chat', 'Ann Chat');
      const ben = agentStory(5502, 'ben_chat', 'Ben Chat');
      await svc.send(ann.created(), q);
      await svc.send(ben.created(), q);
      await svc.send(ann.change({ privGroup: 4 }), q);
      await until(() => chat().length === 1, 60_000, 'the urgent role change');
      t.regex(chat()[0]!.text, /^Role changed: Ann Chat$/);
      await until(async () => (await svc.store.queueStats()).pending === 2, 60_000, 'two held');

      clock.moveTo(MORNING);
      svc.worker.wake();
      await until(() => chat().length === 2, 60_000, 'the summary');
      t.regex(chat()[1]!.text, /^While you were away: 2 changes$/);

      t.regex(await text('hours off'), /^Hours off/);
      clock.moveTo('2026-12-08T22:30:00Z');
      await svc.send(ben.change({ state: 'inactive' }), q);
      await svc.send(agentStory(5503, 'cy_chat', 'Cy Chat').created(), q);
      await until(() => chat().length === 3, 60_000, 'at night, with hours off: at once');
      t.regex(chat()[2]!.text, /Cy Chat/);
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

test('check-config refuses hours on a route that name an unknown interval, or urgent without hours, one line each', async (t) => {
  const { parseConfig, ConfigError } = await import('../src/config/loadConfig.ts');
  const bad = `${NIGHTS}channels:
  a: { type: console }
routes:
  - channel: a
    quiet: nigths
  - channel: a
    urgent: [user.role_changed]
  - channel: a
    active: nights
    quiet: nights
`;
  const e = t.throws(() => parseConfig(bad, {}, 'x.yaml'), { instanceOf: ConfigError });
  const lines = e!.message.split('\n').map((l) => l.trim());
  t.true(
    lines.includes('routes[0].quiet (line 11): unknown time interval "nigths" (did you mean "nights"?)'),
    e!.message,
  );
  t.true(lines.includes('routes[1].urgent (line 13): urgent needs active or quiet hours on the route'), e!.message);
  t.true(lines.includes('routes[2].quiet (line 16): a route has active or quiet hours, not both'), e!.message);
  t.is(lines.length, 4, e!.message);
});
