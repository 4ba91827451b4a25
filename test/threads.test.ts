import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, drained, serviceWithConfig, tempDir, until } from './helpers/service.ts';
import { agentStory } from './helpers/agentStory.ts';
import { FakeSlack } from './fakes/slack.ts';
import { runCli } from './helpers/child.ts';
import { eachStore, testStore } from './helpers/stores.ts';

const SECRET = 'thread-secret';
const q = { query: { 'secret-key': SECRET } };

const serviceWith = (dir: string, yaml: string, env: Record<string, string> = {}) =>
  serviceWithConfig(dir, yaml, SECRET, env);

const text = (p: { text: string; blocks: unknown[] }) => `${p.text}\n${JSON.stringify(p.blocks)}`;

eachStore(
  'slack: the first event is the root, later ones reply in its thread, the root shows the newest state; a restart changes nothing; a deleted root is replaced',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const yaml = `channels:
  ops: { type: slack, channel: C0OPS, thread: agent, broadcast: [user.state_changed] }
routes:
  - channel: ops
`;
    const env = { SLACK_BOT_TOKEN: 'xoxb-thread', SLACK_API_URL: slack.apiUrl, ADMIN_TOKEN: 'admin-token' };
    let svc = await serviceWith(dir, yaml, env);
    try {
      const rachel = agentStory(501, 'rachel_smith', 'Rachel Smith');
      const sentAt = Date.now();
      t.is((await svc.send(rachel.created(), q)).status, 200);
      await until(() => slack.topLevel.length === 1, 60_000, 'the root');
      const root = slack.topLevel[0]!;
      t.regex(text(root), /Rachel Smith/);
      t.regex(text(root), /1 change in this thread/);
      // The root says what happened (its text is what a phone's notification shows).
      t.is(root.text, 'New agent: Rachel Smith');
      // "Last change" is when vcc-notify received it (templates/agent.yaml), not VCC's timestamp.
      const minutes = [sentAt, Date.now()].map((ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' '));
      t.true(
        minutes.some((m) => text(root).includes(`(${m} UTC)`)),
        `${text(root)} names the minute received, ${minutes.join(' or ')}`,
      );
      t.false(text(root).includes('2026-12-01 09:00'), "VCC's own timestamp is not used");

      await svc.send(rachel.change({ privGroup: 4 }), q);
      await until(() => slack.repliesTo(root.ts!).length === 1 && root.edits === 1, 60_000, 'a reply and an edit');
      t.regex(text(slack.repliesTo(root.ts!)[0]!), /Role changed: Rachel Smith/);
      t.regex(text(root), /2 changes in this thread/, 'the root is edited in place');
      t.regex(text(root), /Team lead|4/);
      t.is(slack.topLevel.length, 1);

      await svc.stop();
      svc = await serviceWith(dir, yaml, env);
      await svc.send(rachel.change({ registerTransport: 'sip-udp' }), q);
      await until(() => slack.repliesTo(root.ts!).length === 2 && root.edits === 2, 60_000, 'reply after restart');
      t.regex(text(root), /3 changes in this thread/);
      t.regex(text(root), /SIP\/UDP/);

      await svc.send(rachel.change({ state: 'inactive' }), q);
      await until(() => slack.repliesTo(root.ts!).length === 3 && root.edits === 3, 60_000, 'the deactivation');
      t.is(root.text, 'Deactivated: Rachel Smith', 'the root, edited, says the latest change');
      t.regex(JSON.stringify(root.blocks), /"text":"Deactivated: Rachel Smith"/, 'its header too');
      t.regex(JSON.stringify(root.blocks), /:warning: /, "and the deactivation's icon, as its own message has");
      const deactivated = slack.repliesTo(root.ts!)[2]!;
      t.is(String(deactivated.fields.reply_broadcast), 'true', 'a broadcast kind is shown in the channel too');
      t.is(slack.repliesTo(root.ts!)[0]!.fields.reply_broadcast, undefined);
      t.is(slack.topLevel.length, 1, 'one top-level message for the agent');

      slack.deleteMessage(root.ts!);
      await svc.send(rachel.change({ privGroup: 1 }), q);
      await until(() => slack.topLevel.length === 2, 60_000, 'a new root');
      await until(() => drained(svc), 60_000, 'drained');
      const second = slack.topLevel[1]!;
      t.regex(text(second), /Rachel Smith/);
      t.regex(text(second), /Privilege group/, 'the new root carries the change its reply could not');
      t.true(svc.logs.some((l) => l.includes('thread root is gone')));
      const [thread] = await svc.store.threadsOf('501');
      t.like(thread, { channel: 'ops', ref: second.ts, replaced: 1, changes: 1 });

      const roles = (await svc.store.listDeliveries({ channel: 'ops', limit: 10 })).map((d) => d.thread).reverse();
      t.deepEqual(roles, ['root', 'reply', 'reply', 'reply', 'root']);
      const page = await fetch(`${svc.url}/admin/events/${(await svc.store.listEvents({ limit: 1 }))[0]!.id}`, {
        headers: { authorization: 'Bearer admin-token' },
      }).then((r) => r.text());
      t.regex(page, /the agent&#39;s thread root|the agent's thread root/);
      t.regex(page, /ops: 1 change since .*root replaced 1 time after a deletion in the chat/);
      // The preview shows what the channel got: this event started the new root.
      t.regex(page, /new root: the agent(&#39;|')s thread starts here/);
      const events = await svc.store.listEvents({ limit: 5 });
      const reply = events.find((e) => e.kinds.includes('user.state_changed'))!;
      const replyPage = await fetch(`${svc.url}/admin/events/${reply.id}`, {
        headers: { authorization: 'Bearer admin-token' },
      }).then((r) => r.text());
      t.regex(replyPage, /a reply in the agent(&#39;|')s thread/);
      t.regex(replyPage, /and the root, edited/);
      const metrics = await fetch(`${svc.url}/metrics`).then((r) => r.text());
      t.regex(metrics, /vcc_notify_thread_root_edits_total\{channel="ops",outcome="sent"\} [1-9]/);
      const cli = { DATABASE_URL: store.url, VCC_NOTIFY_CONFIG: join(dir, 'vcc-notify.yaml') };
      const history = await runCli(['history', '--user', '501'], cli);
      t.regex(history.stdout, /^thread in ops: 1 change since .*root replaced 1 time/m);
      t.regex(history.stdout, /deliveries: ops sent \(root\)/);
      t.regex(history.stdout, /deliveries: ops sent \(reply\)/);
      const body = join(dir, 'next.json');
      writeFileSync(body, JSON.stringify(rachel.change({ privGroup: 4 })));
      const explain = await runCli(['explain', '--event', body], cli);
      t.regex(explain.stdout, /^thread  ops: a reply in the agent's thread \(1 change since/m);
      // render shows what the channel would get: a reply, and the root as it is edited.
      const rendered = await runCli(['render', '--event', body, '--channel', 'ops'], cli);
      t.is(rendered.code, 0, rendered.stderr);
      const parts = rendered.stdout.split(/^# /m).filter(Boolean);
      t.deepEqual(
        parts.map((x) => x.split('\n')[0]),
        ["ops (slack): a reply in the agent's thread", 'ops (slack): and the root, edited'],
      );
      t.is(JSON.parse(parts[0]!.slice(parts[0]!.indexOf('\n'))).text, 'Role changed: Rachel Smith');
      const edited = JSON.parse(parts[1]!.slice(parts[1]!.indexOf('\n')));
      t.is(edited.text, 'Role changed: Rachel Smith');
      t.regex(JSON.stringify(edited.blocks), /2 changes in this thread/);
      const newcomer = join(dir, 'newcomer.json');
      writeFileSync(newcomer, JSON.stringify(agentStory(777, 'newcomer', 'New Comer').created()));
      const first = (await runCli(['render', '--event', newcomer, '--channel', 'ops'], cli)).stdout;
      t.regex(first, /^# ops \(slack\): a new root: the agent's thread starts here\n/);
      t.regex(first, /1 change in this thread/);
      const replies = slack.posts.filter((p) => !slack.topLevel.includes(p));
      t.is(replies.filter((p) => p.text.includes('Role changed')).length, 1, 'the first role change: one reply');
      t.is(
        slack.posts.filter((p) => /Privilege group: 4/.test(text(p))).length,
        1,
        `the second: in the new root ${text(second)}`,
      );
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

eachStore(
  'slack: a burst of new agents is a few digests, not a root each; a later change of one of them starts its root',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const svc = await serviceWith(
      dir,
      'channels:\n  ops: { type: slack, channel: C0OPS, thread: agent }\nroutes:\n  - channel: ops\n',
      { SLACK_BOT_TOKEN: 'xoxb-thread', SLACK_API_URL: slack.apiUrl },
    );
    try {
      // The first post is held at Slack while the rest arrive: they are the next read.
      let land!: () => void;
      slack.script.push({ until: new Promise<void>((r) => (land = r)) });
      const story = Array.from({ length: 40 }, (_, i) => agentStory(700 + i, `burst_${i}`));
      await svc.send(story[0]!.created(), q);
      await until(() => slack.received === 1, 60_000, 'first at Slack');
      await Promise.all(story.slice(1).map((s) => svc.send(s.created(), q)));
      land();
      await until(() => drained(svc), 60_000, 'drained');
      t.is(slack.posts.length, 2, 'a root for the first, one digest for the 39 after it');
      t.regex(text(slack.posts[1]!), /39 new agents/);
      const all = slack.posts.map(text).join('\n');
      for (let i = 0; i < 40; i += 1) t.true(all.includes(`burst_${i}`), `burst_${i} shown`);
      const before = slack.topLevel.length;
      await svc.send(story[5]!.change({ privGroup: 4 }), q);
      await until(() => slack.topLevel.length === before + 1, 60_000, 'a root for burst_5');
      t.regex(text(slack.topLevel.at(-1)!), /Agent burst_5/);
      const root = await until(() => svc.store.threadsOf('705').then((r) => r[0]), 60_000, 'root');
      t.is(root!.changes, 1);
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);
