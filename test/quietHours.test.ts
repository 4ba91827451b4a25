import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, movableClock, startTestService, tempDir, until, type TestService } from './helpers/service.ts';
import { agentStory } from './helpers/agentStory.ts';
import { FakeSlack } from './fakes/slack.ts';
import { runCli } from './helpers/child.ts';
import { freshDatabase } from './helpers/postgres.ts';
import { TcpProxy } from './helpers/tcpProxy.ts';
import { eachStore, testStore } from './helpers/stores.ts';

const SECRET = 'quiet-secret';
const q = { query: { 'secret-key': SECRET } };

const CONFIG = `time_intervals:
  nights:
    - times: [{ start_time: "22:00", end_time: "24:00" }]
      location: Europe/Budapest
    - times: [{ start_time: "00:00", end_time: "06:00" }]
      location: Europe/Budapest
channels:
  ops: { type: slack, channel: C0OPS, quiet: nights, urgent: [user.role_changed] }
routes:
  - channel: ops
`;

eachStore(
  'quiet hours: what arrives at night waits, an urgent kind goes at once, a restart loses nothing, and the morning brings one summary',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(cfg, CONFIG);
    // 23:30 in Budapest (CET, +1) on a Monday in December.
    const clock = movableClock('2026-12-07T22:30:00Z');
    const env = {
      VCC_WEBHOOK_SECRET: SECRET,
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-q',
      SLACK_API_URL: slack.apiUrl,
      ADMIN_TOKEN: 'adm-q',
    };
    const start = () => startTestService(env, { dir, pollMs: 50, clock: clock.now });
    let svc: TestService = await start();
    try {
      const ann = agentStory(5101, 'ann_night', 'Ann Night');
      const ben = agentStory(5102, 'ben_night', 'Ben Night');
      await svc.send(ann.created(), q);
      await svc.send(ben.created(), q);
      await svc.send(ann.change({ privGroup: 4 }), q);
      await until(() => slack.posts.length === 1, 60_000, 'the urgent role change');
      t.regex(slack.posts[0]!.text, /^Role changed: Ann Night$/);

      await svc.stop();
      svc = await start();
      await svc.send(ben.change({ privGroup: 4 }), q);
      // The read that sent this urgent one saw the held ones, and left them.
      await until(() => slack.posts.length === 2, 60_000, 'the second urgent one');
      t.regex(slack.posts[1]!.text, /^Role changed: Ben Night$/);
      // The urgent one is recorded sent just after Slack has it; the two held stay pending.
      await until(async () => (await svc.store.queueStats()).pending === 2, 60_000, 'two held');
      t.deepEqual(
        (await svc.store.listDeliveries({ status: 'pending', limit: 10 })).map((d) => d.kinds),
        [['user.created'], ['user.created']],
      );
      // Held deliveries say so, wherever a delivery is shown, and count as held, not pending.
      const reason = 'held by quiet hours until 2026-12-08 05:00 UTC (channel quiet: nights)';
      await until(async () => (await svc.store.queueStats()).held === 2, 60_000, 'both noted as held');
      const cli = { VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: store.url };
      const listed = (await runCli(['deliveries', '--status', 'pending'], cli)).stdout.trim().split('\n');
      t.is(listed.length, 2);
      for (const l of listed)
        t.true(/^#\d+ {2}event \d+ {2}ops {2}held {2}attempts 0 {2}\S+ {2}/.test(l) && l.endsWith(reason), l);
      t.true((await runCli(['history', '--user', '5101'], cli)).stdout.includes(`deliveries: ops held (${reason})`));
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      t.regex(metrics, /^vcc_notify_deliveries_held 2$/m);
      t.regex(metrics, /^vcc_notify_queue_depth 0$/m);
      t.regex(metrics, /^vcc_notify_oldest_pending_age_seconds 0$/m, 'held ones are not a stuck queue');
      const [held] = await svc.store.listDeliveries({ status: 'pending', limit: 1 });
      const page = await (
        await fetch(`${svc.url}/admin/events/${held!.eventId}`, { headers: { authorization: 'Bearer adm-q' } })
      ).text();
      t.regex(page, />held</);
      t.true(page.includes(reason), 'the admin event page shows why');

      clock.moveTo('2026-12-08T05:01:00Z'); // 06:01 in Budapest
      svc.worker.wake();
      await until(() => slack.posts.length === 3, 60_000, 'the summary');
      await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'drained');
      const summary = slack.posts[2]!;
      t.regex(summary.text, /^While you were away: 2 changes$/);
      const body = JSON.stringify(summary.blocks);
      t.true(body.includes('Ann Night') && body.includes('Ben Night'));
      t.is(slack.posts.length, 3, 'nothing sent twice');
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

test('check-config-level problems: unknown interval names, both active and quiet, urgent alone', async (t) => {
  const { parseConfig, ConfigError } = await import('../src/config/loadConfig.ts');
  const bad = `time_intervals:
  office:
    - weekdays: [monday:friday]
channels:
  a: { type: console, quiet: ofice }
  b: { type: console, active: office, quiet: office }
  c: { type: console, urgent: [user.role_changed] }
routes:
  - channel: a
`;
  const e = t.throws(() => parseConfig(bad, {}, 'x.yaml'), { instanceOf: ConfigError });
  const lines = e!.message.split('\n').map((l) => l.trim());
  t.true(
    lines.includes('channels.a.quiet (line 5): unknown time interval "ofice" (did you mean "office"?)'),
    e!.message,
  );
  t.true(lines.includes('channels.b.quiet (line 6): a channel has active or quiet hours, not both'), e!.message);
  t.true(lines.includes('channels.c.urgent (line 7): urgent needs active or quiet hours on the channel'), e!.message);
});

test("explain says whether quiet hours (a channel's, a route's) would hold an event, and until when", async (t) => {
  const dir = tempDir();
  try {
    // Not in an hour's last two minutes: the hour must not turn between the file and the CLI.
    await until(() => new Date().getUTCMinutes() < 58, 180_000, 'an hour with time left');
    const hour = new Date().getUTCHours();
    const pad = (h: number) => `${String(h).padStart(2, '0')}:00`;
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(
      cfg,
      `time_intervals:\n  q:\n    - times: [{ start_time: "${pad(hour)}", end_time: "${pad(hour + 1)}" }]\nchannels:\n  ops: { type: console, quiet: q, urgent: [user.role_changed] }\n  hr: { type: console }\nroutes:\n  - channel: ops\n  - channel: hr\n    quiet: q\n    urgent: [user.role_changed]\n`,
    );
    const story = agentStory(5301, 'explained');
    const created = join(dir, 'created.json');
    writeFileSync(created, JSON.stringify(story.created()));
    const role = join(dir, 'role.json');
    writeFileSync(role, JSON.stringify(story.change({ privGroup: 4 })));
    const env = { VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}` };
    const held = await runCli(['explain', '--event', created], env);
    const ends = `${new Date().toISOString().slice(0, 10)} ${pad(hour + 1)}`;
    t.regex(
      held.stdout,
      /^hours {3}ops: quiet now \(quiet: q\): held until .* UTC, then sent in one summary$/m,
      held.stderr,
    );
    if (hour < 23) t.true(held.stdout.includes(`held until ${ends} UTC`), held.stdout);
    t.regex(
      held.stdout,
      /^hours {3}hr: its routes are quiet now \(quiet: q\): held until .* UTC, then sent in one summary$/m,
    );
    const urgent = await runCli(['explain', '--event', role], env);
    t.regex(urgent.stdout, /^hours {3}ops: quiet now \(quiet: q\), but urgent kinds go at once: sent at once$/m);
    t.false(urgent.stdout.includes('hours   hr:'), 'urgent on its route: nothing holds it');
  } finally {
    cleanup(dir);
  }
});

test("a summary of 150 held changes after a Postgres restart: one summary, in the two parts Slack's message size needs, each change once", async (t) => {
  const slack = await new FakeSlack().start();
  const db = await freshDatabase();
  const proxy = await new TcpProxy(5432).start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, CONFIG);
  const clock = movableClock('2026-12-07T22:30:00Z'); // 23:30 in Budapest: quiet
  const svc = await startTestService(
    {
      VCC_WEBHOOK_SECRET: SECRET,
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-q',
      SLACK_API_URL: slack.apiUrl,
      DATABASE_URL: proxy.via(db.url),
    },
    { dir, pollMs: 50, clock: clock.now },
  );
  try {
    const users = Array.from({ length: 150 }, (_, i) => agentStory(7000 + i, `held${String(i).padStart(3, '0')}x`));
    for (const s of users.slice(0, 100)) t.is((await svc.send(s.created(), q)).status, 200);
    proxy.cut('reset'); // Postgres restarts in the night
    t.is((await svc.send(users[100]!.created(), q)).status, 503);
    proxy.restore();
    for (const s of users.slice(100)) {
      await until(async () => (await svc.send(s.created(), q)).status === 200, 60_000, 'accepted again');
    }
    t.is(slack.posts.length, 0, 'nothing sent in quiet hours');
    clock.moveTo('2026-12-08T05:01:00Z'); // 06:01: the morning
    svc.worker.wake();
    await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'drained');
    t.deepEqual(
      slack.posts.map((p) => p.text),
      ['While you were away: 150 changes (part 1 of 2)', 'While you were away: 150 changes (part 2 of 2)'],
    );
    const bodies = slack.posts.map((p) => JSON.stringify(p.blocks));
    t.deepEqual(
      users
        .map((_, i) => `held${String(i).padStart(3, '0')}x`)
        .filter((n) => bodies.filter((b) => b.includes(n)).length !== 1),
      [],
      'each change in exactly one part',
    );
  } finally {
    await svc.stop();
    await proxy.stop();
    await slack.stop();
    await db.drop();
    cleanup(dir);
  }
});
