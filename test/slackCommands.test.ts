import test from 'ava';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { FakeSlack } from './fakes/slack.ts';
import { SECRET, SIGNING, command, start } from './helpers/slackChat.ts';
import { testStore } from './helpers/stores.ts';
import { WORKING } from '../src/platforms/slack/ackDeadline.ts';
import pg from 'pg';

test('forged Slack requests, or dated over 5 minutes before or after now, get 401 and change nothing', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await start(dir, slack);
  try {
    t.is((await command(svc, slack, 'subscribe', { secret: 'wrong-secret' })).status, 401);
    const now = Math.floor(Date.now() / 1000);
    for (const [name, ts] of [
      ['an hour old', now - 3600],
      ['6 minutes old', now - 360],
      ['6 minutes ahead', now + 360],
      ['a day ahead', now + 86_400],
    ] as const) {
      t.is((await command(svc, slack, 'subscribe', { ts })).status, 401, name);
    }
    t.is((await command(svc, slack, 'help', { ts: now + 120 })).status, 200, '2 minutes of skew is fine');
    t.deepEqual(await svc.store.listSubscriptions(), []);
    assertNoSecrets(t, { log: svc.logs }, [SIGNING, SECRET, 'xoxb-cmd-token']);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('subscribe, list, unsubscribe, bad input, and the subscription delivers and survives a restart', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  let svc = await start(dir, slack);
  try {
    const help = await command(svc, slack, 'help');
    t.is(help.status, 200);
    t.regex(help.json.text, /subscribe \[kinds\.\.\.\]/);

    const bad = await command(svc, slack, 'subscribe created where colour=red');
    t.regex(bad.json.text, /unknown field "colour".*Nothing was changed.*Example: \/vcc subscribe/s);
    const badKind = await command(svc, slack, 'subscribe deleted');
    t.regex(badKind.json.text, /unknown kind "deleted"/);
    const badRegex = await command(svc, slack, 'subscribe where email~([');
    t.regex(badRegex.json.text, /email: bad regex/);
    t.deepEqual(await svc.store.listSubscriptions(), []);

    const sub = await command(svc, slack, 'subscribe created state where isAgent=true privGroup=4,5 username!=admin');
    t.is(sub.json.response_type, 'ephemeral');
    t.regex(
      sub.json.text,
      /Subscribed\. This channel now hears:\n• user\.created, user\.state_changed where isAgent=true privGroup=4,5 username!=admin/,
    );
    t.regex(sub.json.text, /bot is not in this channel yet: invite it with \/invite/);

    await svc.send(createdBody({ isAgent: true, privGroup: 4, username: 'chatsub' }), {
      query: { 'secret-key': SECRET },
    });
    await svc.send(createdBody({ isAgent: false, privGroup: 4, username: 'notagent' }), {
      query: { 'secret-key': SECRET },
    });
    await until(
      async () => (await svc.store.listDeliveries({ limit: 10 })).filter((d) => d.status === 'sent').length === 3,
      60_000,
      'three deliveries sent',
    );
    const chat = slack.posts
      .filter((p) => p.channel === 'C0CHAT')
      .map((p) => JSON.stringify(p.blocks))
      .join();
    t.true(chat.includes('chatsub'));
    t.false(chat.includes('notagent'), 'where isAgent=true keeps non-agents out');
    const file = slack.posts
      .filter((p) => p.channel === 'C0FILE')
      .map((p) => JSON.stringify(p.blocks))
      .join();
    t.true(file.includes('chatsub') && file.includes('notagent'));

    const list = await command(svc, slack, 'list', { channel: 'C0FILE' });
    t.regex(list.json.text, /user\.created \(config file channel "ops", read-only\)/);

    await svc.stop();
    svc = await start(dir, slack);
    const listed = await command(svc, slack, 'list');
    t.regex(listed.json.text, /user\.created, user\.state_changed where isAgent=true/);

    const unsub = await command(svc, slack, 'unsubscribe created');
    t.regex(unsub.json.text, /now hears:\n• user\.state_changed where/);
    const none = await command(svc, slack, 'unsubscribe');
    t.regex(none.json.text, /Nothing: this channel hears no VCC events/);
    const res = await svc.send(createdBody({ isAgent: true, privGroup: 4, username: 'afterunsub' }), {
      query: { 'secret-key': SECRET },
    });
    t.is(res.json.deliveries, 1, 'only the file route wants it now');
    await until(
      async () => (await svc.store.listDeliveries({ eventId: res.json.event, limit: 5 }))[0]?.status === 'sent',
      60_000,
      'file route post',
    );
    t.false(slack.posts.some((p) => p.channel === 'C0CHAT' && JSON.stringify(p.blocks).includes('afterunsub')));
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('/vcc test posts a sample here and reports through response_url; admins-only policy refuses others', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await start(dir, slack, { SLACK_COMMAND_USERS: 'admins' });
  try {
    slack.members.add('C0CHAT');
    const ack = await command(svc, slack, 'test');
    t.regex(ack.json.text, /Sending a sample/);
    await until(() => slack.responses.length === 1, 60_000, 'response_url reply');
    t.regex(slack.responses[0]!.body.text, /Sent a sample notification here/);
    t.is(slack.posts[0]!.channel, 'C0CHAT');
    t.regex(slack.posts[0]!.text, /Sample Agent/);

    const refused = await command(svc, slack, 'subscribe created', { user: 'U0NOBODY' });
    t.regex(refused.json.text, /Not changed: only workspace admins/);
    t.deepEqual(await svc.store.listSubscriptions(), []);
    slack.admins.add('U0BOSS');
    const ok = await command(svc, slack, 'subscribe created', { user: 'U0BOSS' });
    t.regex(ok.json.text, /Subscribed/);
    t.notRegex(ok.json.text, /invite/);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('Socket Mode (SLACK_APP_TOKEN): commands arrive over the WebSocket and are acked with the reply', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await startTestService(
    {
      VCC_WEBHOOK_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-sock',
      SLACK_APP_TOKEN: 'xapp-sock',
      SLACK_API_URL: slack.apiUrl,
    },
    { dir },
  );
  try {
    await until(() => slack.sockets.size === 1, 60_000, 'the socket connection');
    const ack = await slack.envelope('slash_commands', {
      command: '/vcc',
      text: 'subscribe created where isAgent=true',
      channel_id: 'C0SOCK',
      user_id: 'U0SUE',
      response_url: slack.responseUrl('s1'),
      team_id: 'T0TEAM',
      api_app_id: 'A0APP',
      trigger_id: '1.2',
      token: 'x',
      team_domain: 'cc',
      channel_name: 'ops',
      user_name: 'sue',
    });
    t.regex(ack.text, /Subscribed\. This channel now hears:\n• user\.created where isAgent=true/);
    t.is((await svc.store.listSubscriptions())[0]!.channel, 'slack:C0SOCK');
    t.is((await fetch(`${svc.url}/slack/events`, { method: 'POST' })).status, 501, 'no HTTP endpoint in Socket Mode');
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('a command the store holds up past Slack\'s 3 s: "Working on it…" at once, the answer through response_url, the change made once', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const store = await testStore('postgres', dir);
  // The write waits on the lock below for as long as the test needs, not the default 5 s.
  const svc = await start(dir, slack, { STORE_WRITE_TIMEOUT_SECONDS: '120' });
  const blocker = new pg.Client({ connectionString: store.url });
  await blocker.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE audit IN ACCESS EXCLUSIVE MODE');
    const held = await command(svc, slack, 'subscribe created', { follow: false });
    t.is(held.status, 200);
    t.like(held.json, { response_type: 'ephemeral', text: WORKING });
    t.false(
      slack.responses.some((r) => r.id === held.id),
      'no answer while the store holds the write',
    );
    await blocker.query('ROLLBACK');
    await until(() => slack.responses.some((r) => r.id === held.id), 60_000, 'the answer through response_url');
    t.regex(String(slack.responses.find((r) => r.id === held.id)!.body.text), /^Subscribed/);
    t.is((await svc.store.listSubscriptions()).length, 1);
  } finally {
    await blocker.end();
    await svc.stop();
    await slack.stop();
    await store.drop();
    cleanup(dir);
  }
});
