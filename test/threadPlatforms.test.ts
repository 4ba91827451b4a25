import test from 'ava';
import { teamsBotTest } from './helpers/teamsSdks.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, drained, serviceWithConfig, tempDir, until } from './helpers/service.ts';
import { agentStory } from './helpers/agentStory.ts';
import { runCli } from './helpers/child.ts';
import { FakeBotConnector, teamsActivity } from './fakes/botConnector.ts';
import { FakeGoogleChat } from './fakes/googleChat.ts';
import { eachStore, STORE_KINDS, testStore } from './helpers/stores.ts';

const SECRET = 'thread-secret';
const q = { query: { 'secret-key': SECRET } };
const CONV = '19:threads@thread.tacv2';

const serviceWith = (dir: string, yaml: string, env: Record<string, string> = {}) =>
  serviceWithConfig(dir, yaml, SECRET, env);

for (const kind of STORE_KINDS)
  teamsBotTest(
    `teams: the root is a post, changes reply in its chain, the root is updated; a broadcast kind gets a pointer; a restart changes nothing; a deleted root is replaced [${kind}]`,
    async (t, teamsEnv) => {
      const connector = await new FakeBotConnector().start();
      const dir = tempDir();
      const store = await testStore(kind, dir);
      const yaml = `channels:
  room: { type: teams, conversation: "${CONV}", thread: agent, broadcast: [user.state_changed] }
routes:
  - channel: room
`;
      let svc = await serviceWith(dir, yaml, { ...teamsEnv });
      try {
        const install = teamsActivity(connector.url, CONV, { type: 'installationUpdate', action: 'add' });
        const res = await fetch(`${svc.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(install),
        });
        t.is(res.status, 200);
        const welcome = await until(() => connector.activities.length, 60_000, 'the welcome');
        const posts = () => connector.activities.slice(welcome);
        const body = (a: { activity: unknown }) => JSON.stringify(a.activity);

        const bob = agentStory(601, 'bob_jones', 'Bob Jones');
        await svc.send(bob.created(), q);
        await until(() => posts().length === 1, 60_000, 'the root');
        const root = posts()[0]!;
        t.is(root.replyTo, null);
        t.regex(body(root), /Bob Jones/);
        const rootId = `activity-${welcome + 1}`;

        await svc.send(bob.change({ privGroup: 4 }), q);
        await until(() => posts().length === 2 && connector.updates.length === 1, 60_000, 'reply and update');
        t.is(posts()[1]!.replyTo, rootId, 'the change replies in the root chain');
        t.is(connector.updates[0]!.id, rootId);
        t.regex(JSON.stringify(connector.updates[0]!.activity), /2 changes in this thread/);

        await svc.stop();
        svc = await serviceWith(dir, yaml, { ...teamsEnv });
        await svc.send(bob.change({ state: 'inactive' }), q);
        await until(() => posts().length === 4 && connector.updates.length === 2, 60_000, 'broadcast reply');
        t.is(posts()[2]!.replyTo, rootId);
        t.regex(body(posts()[2]!), /Deactivated: Bob Jones/);
        t.is(posts()[3]!.replyTo, null, 'a pointer in the channel');
        t.regex(body(posts()[3]!), /Details in the thread/);
        t.regex(JSON.stringify(connector.updates[1]!.activity), /3 changes in this thread/);

        connector.deleted.add(rootId);
        await svc.send(bob.change({ state: 'active' }), q);
        await until(() => posts().length === 5, 60_000, 'a new root');
        await until(() => drained(svc), 60_000, 'drained');
        t.is(posts()[4]!.replyTo, null);
        t.regex(body(posts()[4]!), /Reactivated: Bob Jones|State: inactive/);
        const [thread] = await svc.store.threadsOf('601');
        t.like(thread, { ref: `activity-${welcome + 5}`, replaced: 1 });
      } finally {
        await svc.stop();
        await connector.stop();
        await store.drop();
        cleanup(dir);
      }
    },
  );

eachStore(
  'google chat: root and replies share the agent thread key with REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD; nothing is edited',
  async (t, kind) => {
    const chat = await new FakeGoogleChat().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const svc = await serviceWith(
      dir,
      `channels:\n  hr: { type: google-chat, url: "${chat.urlFor('AAAAhr')}", thread: agent, broadcast: [user.state_changed] }\nroutes:\n  - channel: hr\n`,
    );
    try {
      const ann = agentStory(801, 'ann_lee', 'Ann Lee');
      const cid = agentStory(802, 'cid_moe', 'Cid Moe');
      await svc.send(ann.created(), q);
      await until(() => chat.posts.length === 1, 60_000, 'ann root');
      await svc.send(cid.created(), q);
      await until(() => chat.posts.length === 2, 60_000, 'cid root');
      await svc.send(ann.change({ registerTransport: 'sip-udp' }), q);
      await until(() => chat.posts.length === 3, 60_000, 'ann reply');
      await svc.send(ann.change({ state: 'inactive' }), q);
      await until(() => chat.posts.length === 5, 60_000, 'ann broadcast');
      await until(() => drained(svc), 60_000, 'drained');
      const keys = chat.posts.map((p) => p.body.thread?.threadKey ?? null);
      t.truthy(keys[0]);
      t.not(keys[0], keys[1], 'one thread per agent');
      t.is(keys[2], keys[0], 'the reply is in the root thread');
      t.is(keys[3], keys[0]);
      t.is(keys[4], null, 'the pointer goes to the space');
      t.true(chat.posts.slice(0, 4).every((p) => p.replyOption === 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD'));
      t.regex(JSON.stringify(chat.posts[2]!.body), /SIP\/UDP/);
      const [thread] = await svc.store.threadsOf('801');
      t.like(thread, { changes: 3, editDueAt: null, editedAt: null });
      // Deleted in Chat: the next reply names the same key, and Chat's fallback starts a new thread with it.
      const first = chat.threads.get(`AAAAhr/${keys[0]}`);
      chat.threads.delete(`AAAAhr/${keys[0]}`);
      await svc.send(ann.change({ privGroup: 2 }), q);
      await until(() => chat.posts.length === 6, 60_000, 'the reply after the deletion');
      await until(() => drained(svc), 60_000, 'drained');
      t.is(chat.posts[5]!.body.thread.threadKey, keys[0]);
      t.not(chat.threads.get(`AAAAhr/${keys[0]}`), first, 'a new thread under the same key');
      t.deepEqual((await svc.store.listDeliveries({ channel: 'hr', limit: 10 })).map((d) => d.thread).reverse(), [
        'root',
        'root',
        'reply',
        'reply',
        'reply',
      ]);
    } finally {
      await svc.stop();
      await chat.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

eachStore('console: each line carries its thread key', async (t, kind) => {
  const dir = tempDir();
  const store = await testStore(kind, dir);
  const svc = await serviceWith(dir, 'channels:\n  log: { type: console, thread: agent }\nroutes:\n  - channel: log\n');
  try {
    const dee = agentStory(901, 'dee_fox');
    await svc.send(dee.created(), q);
    await until(() => svc.printed.length === 1, 60_000, 'the root line');
    await svc.send(dee.change({ privGroup: 4 }), q);
    await until(() => svc.printed.length === 2, 60_000, 'two lines');
    const threads = svc.logs
      .filter((l) => l.includes('"msg":"notification"'))
      .map((l) => JSON.parse(l).thread as string);
    t.regex(threads[0]!, /^agent-901-/);
    t.is(threads[1], threads[0]);
  } finally {
    await svc.stop();
    await store.drop();
    cleanup(dir);
  }
});

test('check-config refuses thread: on a type that cannot thread, in one line naming the types that can', async (t) => {
  const dir = tempDir();
  try {
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(
      cfg,
      [
        'channels:',
        '  a: { type: slack-webhook, url: "https://hooks.slack.invalid/x", thread: agent }',
        '  b: { type: teams-workflow, url: "https://flow.invalid/x", thread: agent }',
        '  c: { type: slack, channel: C1, broadcast: [user.created] }',
        '  d: { type: slack, channel: C2, thread: person, thread_days: 0 }',
        'routes:',
        '  - channel: a',
      ].join('\n'),
    );
    const out = await runCli(['check-config', cfg], {});
    t.is(out.code, 1);
    // Each line ends with its section of the reference; the test reads the problem before it.
    const lines = out.stderr
      .trim()
      .split('\n')
      .map((l) => l.trim().replace(/ \(see docs\/configuration-reference\.md#[\w-]+\)$/, ''));
    t.regex(out.stderr, /channels\.a\.thread .* \(see docs\/configuration-reference\.md#channelsname-every-type\)/);
    t.true(
      lines.includes(
        'channels.a.thread (line 2): type slack-webhook cannot thread (types that can: slack, teams, google-chat, console)',
      ),
      out.stderr,
    );
    t.true(lines.some((l) => l.startsWith('channels.b.thread (line 3): type teams-workflow cannot thread')));
    t.true(lines.includes('channels.c.broadcast (line 4): broadcast needs thread: agent on the channel'), out.stderr);
    t.true(
      lines.some((l) => l.startsWith('channels.d.thread (line 5):') && l.includes('agent')),
      out.stderr,
    );
    t.true(
      lines.some((l) => l.startsWith('channels.d.thread_days (line 5):')),
      out.stderr,
    );
  } finally {
    cleanup(dir);
  }
});
