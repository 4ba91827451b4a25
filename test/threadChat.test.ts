import { cleanup, tempDir, until } from './helpers/service.ts';
import { agentStory } from './helpers/agentStory.ts';
import { FakeSlack } from './fakes/slack.ts';
import { SECRET, command, start } from './helpers/slackChat.ts';
import { eachStore, testStore } from './helpers/stores.ts';

const q = { query: { 'secret-key': SECRET } };

eachStore(
  '/vcc thread agent: a chat-made channel threads per agent; thread off stops it; a mistake changes nothing',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const svc = await start(dir, slack);
    try {
      const text = async (cmd: string) => String((await command(svc, slack, cmd)).json.text);
      t.regex(await text('thread'), /^Threads are off/);
      t.regex(await text('thread agent broadcast nope'), /^unknown kind "nope"/);
      t.regex(await text('thread sideways'), /^thread takes agent/);
      t.regex(await text('thread agent days 0'), /^thread takes agent/);
      t.regex(await text('thread'), /^Threads are off/, 'nothing changed');
      t.regex(await text('subscribe role state'), /^Subscribed/);
      t.regex(
        await text('thread agent broadcast state days 14'),
        /^Threads on: one conversation per agent .* user\.state_changed also shown in the channel; a new root after 14 days/,
      );
      t.regex(await text('list'), /Threads: one conversation per agent/);

      const eve = agentStory(4401, 'eve_ng', 'Eve Ng');
      eve.created();
      await svc.send(eve.change({ privGroup: 4 }), q);
      const chat = () => slack.posts.filter((p) => p.channel === 'C0CHAT');
      await until(() => chat().length === 1, 60_000, 'the root');
      const root = chat()[0]!;
      t.is(root.fields.thread_ts, undefined);
      t.is(root.text, 'Role changed: Eve Ng', 'the root says what happened');
      await svc.send(eve.change({ state: 'inactive' }), q);
      await until(() => chat().length === 2 && root.edits === 1, 60_000, 'the reply and the edit');
      t.is(chat()[1]!.fields.thread_ts, root.ts);
      t.is(String(chat()[1]!.fields.reply_broadcast), 'true');

      t.regex(await text('thread off'), /^Threads off/);
      await svc.send(eve.change({ state: 'active' }), q);
      await until(() => chat().length === 3, 60_000, 'a channel message');
      t.is(chat()[2]!.fields.thread_ts, undefined, 'threads off: a message in the channel');
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);
