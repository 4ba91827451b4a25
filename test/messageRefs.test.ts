import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { ExecutionContext } from 'ava';
import { cleanup, startTestService, tempDir, until, type TestService } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { FakeSlack } from './fakes/slack.ts';
import { FakeBotConnector, teamsActivity } from './fakes/botConnector.ts';
import { teamsBotTest } from './helpers/teamsSdks.ts';
import { eachStore } from './helpers/stores.ts';
import { testStore } from './helpers/testStore.ts';
import { loadSettings } from '../src/config/settings.ts';
import { createChannels, loadRenderer } from '../src/channels/Channels.ts';
import type { Message } from '../src/render/Message.ts';

const SECRET = 'refs-webhook-secret';
const q = { query: { 'secret-key': SECRET } };

const EDITED: Message = {
  title: 'Edited after sending',
  summary: 'decided',
  severity: 'info',
  facts: [],
  lines: ['Expected: reviewed by @alice'],
  fallback: 'Edited after sending',
  mentions: [],
};

/** The channel set the service would build for `env`, to reach a channel's adapter as the worker does. */
function channelsLike(svc: TestService, env: Record<string, string>) {
  return createChannels({
    env: loadSettings({ PORT: '0', ...env }).env,
    conversations: svc.store,
    config: svc.config,
    renderer: loadRenderer(undefined, () => svc.config().labels),
    clock: Date.now,
    log: pino({ level: 'silent' }),
  });
}

/** The one sent delivery of `channel`, once the worker has sent it. */
async function sentDelivery(t: ExecutionContext, svc: TestService, channel: string) {
  const sent = () => svc.store.listDeliveries({ status: 'sent', channel, limit: 1 });
  await until(async () => (await sent()).length === 1, 60_000, `a sent delivery on ${channel}`);
  const [d] = await sent();
  t.truthy(d!.ref, 'the message ref is stored with the delivery');
  return d!;
}

eachStore(
  "Slack: a send's ts is stored with its delivery, and an update through it edits the message in Slack",
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    writeFileSync(
      join(dir, 'vcc-notify.yaml'),
      'channels:\n  ops: { type: slack, channel: C0OPS }\nroutes:\n  - channel: ops\n',
    );
    const env = {
      VCC_WEBHOOK_SECRET: SECRET,
      VCC_NOTIFY_CONFIG: join(dir, 'vcc-notify.yaml'),
      SLACK_BOT_TOKEN: 'xoxb-refs',
      SLACK_API_URL: slack.apiUrl,
    };
    const svc = await startTestService(env, { dir, pollMs: 50 });
    try {
      await svc.send(createdBody({ username: 'refd' }), q);
      const d = await sentDelivery(t, svc, 'ops');
      t.is(d.ref, slack.posts[0]!.ts ?? null);
      const sender = await channelsLike(svc, env).senderFor('ops');
      if (!sender.ok) return t.fail(sender.reason);
      t.deepEqual(await sender.adapter.update!(d.ref!, EDITED), { status: 'sent' });
      t.is(slack.updates.length, 1);
      t.like(slack.updates[0], { channel: 'C0OPS', ts: d.ref! });
      t.regex(JSON.stringify(slack.updates[0]!.blocks), /Expected: reviewed by @alice/);
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

const CONV = '19:refs@thread.tacv2';

teamsBotTest(
  "Teams bot: a send's activity id is stored with its delivery, and an update through it edits the card in Teams",
  async (t, teamsEnv) => {
    const connector = await new FakeBotConnector().start();
    const dir = tempDir();
    writeFileSync(
      join(dir, 'vcc-notify.yaml'),
      `channels:\n  hr: { type: teams, conversation: "${CONV}" }\nroutes:\n  - channel: hr\n`,
    );
    const env = { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: join(dir, 'vcc-notify.yaml'), ...teamsEnv };
    const svc = await startTestService(env, { dir, pollMs: 50 });
    try {
      const install = teamsActivity(connector.url, CONV, { type: 'installationUpdate', action: 'add' });
      await fetch(`${svc.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(install),
      });
      const welcome = await until(() => connector.activities.length, 60_000, 'the welcome');
      await svc.send(createdBody({ username: 'teamsref' }), q);
      const d = await sentDelivery(t, svc, 'hr');
      t.is(d.ref, `activity-${welcome + 1}`, "the card's activity id");
      const sender = await channelsLike(svc, env).senderFor('hr');
      if (!sender.ok) return t.fail(sender.reason);
      t.is((await sender.adapter.update!(d.ref!, EDITED)).status, 'sent');
      t.is(connector.updates.length, 1);
      t.is(connector.updates[0]!.id, d.ref!);
      t.regex(JSON.stringify(connector.updates[0]!.activity), /Expected: reviewed by @alice/);
    } finally {
      await svc.stop();
      await connector.stop();
      cleanup(dir);
    }
  },
);
