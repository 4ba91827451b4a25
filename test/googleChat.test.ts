// Google Chat, the platform added through the registry alone: end to end through the real
// service to a fake Google Chat API (test/fakes/googleChat.ts).
import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir, until, type TestService } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { runCli } from './helpers/child.ts';
import { assertNoSecrets, storeFiles } from './helpers/noSecrets.ts';
import { FakeGoogleChat } from './fakes/googleChat.ts';

const SECRET = 'gchat-webhook-secret';
const q = { 'secret-key': SECRET };
const fastRetry = { maxAgeMs: 60_000, maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500 };
const CONFIG = 'channels:\n  hr: { type: google-chat, url: "${GCHAT_URL}" }\nroutes:\n  - channel: hr\n';

async function withChat(
  t: ExecutionContext,
  fn: (svc: TestService, chat: FakeGoogleChat, env: Record<string, string>) => Promise<void>,
  space = 'AAAAhr',
) {
  const chat = await new FakeGoogleChat().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, CONFIG);
  const env = { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, GCHAT_URL: chat.urlFor(space) };
  const svc = await startTestService(env, { dir, retry: fastRetry, pollMs: 50 });
  try {
    await fn(svc, chat, { ...env, DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}` });
    assertNoSecrets(t, { log: svc.logs, ...storeFiles(dir) }, [chat.urlFor(space), 'fake-key-0001', 'fake-token-0001']);
  } finally {
    await svc.stop();
    await chat.stop();
    cleanup(dir);
  }
}

const deliveries = async (svc: TestService) => svc.store.listDeliveries({ channel: 'hr', limit: 1000 });

test('one event: a card naming the user, facts and a text fallback; names cannot mention, link or format; render prints the same body', (t) =>
  withChat(t, async (svc, chat, env) => {
    const body = createdBody({
      name: '<users/all> <b>Boss</b> *Eve*',
      username: '<a href="https://evil.example">eve_g</a>',
      email: 'eve@example.com',
    });
    t.is((await svc.send(body, { query: q })).status, 200);
    await until(() => chat.posts.length === 1, 60_000, 'the post');
    const post = chat.posts[0]!;
    const card = post.body.cardsV2[0].card;
    t.regex(
      card.header.title,
      /^New agent: <users\/all> <b>Boss<\/b> \*Eve\*$/,
      'the header is plain text: shown as written',
    );
    const widgets = card.sections.flatMap((s: any) => s.widgets);
    const username = widgets.find((w: any) => w.decoratedText?.topLabel === 'Username')?.decoratedText.text;
    t.is(
      username,
      '&lt;a href="https://evil.example"&gt;eve_g&lt;/a&gt;',
      'card text is HTML: a tag from VCC shows as text',
    );
    t.false(post.body.text.includes('<users/'), 'a mention in the text');
    t.notRegex(post.body.text, /\*\w/, 'bold markup in the text');
    // render, for the same body and channel, prints exactly what was posted.
    const file = join(svc.dir, 'event.json');
    writeFileSync(file, JSON.stringify(body));
    const rendered = await runCli(['render', '--event', file, '--channel', 'hr'], env);
    t.is(rendered.code, 0, rendered.stderr);
    t.deepEqual(JSON.parse(rendered.stdout), post.body);
  }));

test('a burst of 60 reaches the space in at most 10 messages with at most 3 429s, each agent once', (t) =>
  withChat(t, async (svc, chat) => {
    const users = Array.from({ length: 60 }, (_, i) => `gchat_${String(i).padStart(2, '0')}`);
    const answers = await Promise.all(
      users.map((u) => svc.send(createdBody({ username: u, isAgent: true }), { query: q })),
    );
    t.true(answers.every((a) => a.status === 200));
    await until(
      async () => (await deliveries(svc)).filter((d) => d.status === 'sent').length === 60,
      60_000,
      'all 60 sent',
    );
    t.true(chat.posts.length <= 10, `${chat.posts.length} messages`);
    t.true(chat.rateLimited <= 3, `${chat.rateLimited} 429s`);
    const texts = chat.posts.map((p) => p.raw);
    t.deepEqual(
      users.filter((u) => texts.filter((x) => x.includes(u)).length !== 1),
      [],
      'each agent in exactly one message',
    );
  }));

test('a 500 is retried and then sent; an unknown space (404) goes dead with the reason', async (t) => {
  await withChat(t, async (svc, chat) => {
    chat.script.push({ status: 500 });
    t.is((await svc.send(createdBody({ username: 'flaky' }), { query: q })).status, 200);
    const d = await until(
      async () => (await deliveries(svc)).find((x) => x.status === 'sent'),
      60_000,
      'sent after the retry',
    );
    t.is(d!.attempts, 2);
    t.is(chat.posts.length, 1);
  });
  await withChat(
    t,
    async (svc) => {
      t.is((await svc.send(createdBody({ username: 'nowhere' }), { query: q })).status, 200);
      const d = await until(async () => (await deliveries(svc)).find((x) => x.status === 'dead'), 60_000, 'dead');
      t.is(d!.attempts, 1, 'a 404 is not retried');
      t.regex(d!.lastError ?? '', /^Google Chat answered HTTP 404: .*NOT_FOUND/);
    },
    'AAAAgone',
  );
});
