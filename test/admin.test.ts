import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium as launch } from './helpers/browser.ts';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { FakeSlack } from './fakes/slack.ts';

const SECRET = 'admin-webhook-secret';
const TOKEN = 'admin-token-3f9a';

async function stack() {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  // hr has no route: it is there so the preview shows a Teams card too.
  writeFileSync(
    cfg,
    'channels:\n  ops: { type: slack, channel: C0ADM }\n  hr: { type: teams-workflow, url: "${HR_URL}" }\n  log: { type: console }\nroutes:\n  - channel: ops\n  - channel: log\n',
  );
  const svc = await startTestService(
    {
      VCC_WEBHOOK_SECRET: SECRET,
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-adm-token',
      SLACK_API_URL: slack.apiUrl,
      ADMIN_TOKEN: TOKEN,
      HR_URL: 'http://127.0.0.1:9/unused',
    },
    { dir, pollMs: 50 },
  );
  return { slack, dir, svc };
}

test('admin without the token is 401; with a bearer token it works; POST without CSRF is refused; no secret on any page', async (t) => {
  const { slack, dir, svc } = await stack();
  try {
    await svc.send(createdBody({ username: 'pageuser' }), { query: { 'secret-key': SECRET } });
    t.is((await fetch(`${svc.url}/admin`)).status, 401);
    t.is((await fetch(`${svc.url}/admin`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const ok = await fetch(`${svc.url}/admin`, { headers: { authorization: `Bearer ${TOKEN}` } });
    t.is(ok.status, 200);
    const pages = await Promise.all(
      ['/admin', '/admin/dead', '/admin/refused', '/admin/routes', '/admin/events/1'].map(async (p) =>
        (await fetch(`${svc.url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text(),
      ),
    );
    t.true(pages[0]!.includes('pageuser'));
    assertNoSecrets(t, { pages, log: svc.logs }, [TOKEN, SECRET, 'xoxb-adm-token', slack.apiUrl, '127.0.0.1:9/unused']);
    const forged = await fetch(`${svc.url}/admin/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=nope',
    });
    t.is(forged.status, 403);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('in Chromium: log in, see events, preview an event per channel, replay a dead delivery', async (t) => {
  const { slack, dir, svc } = await stack();
  // Launched inside the try: a browser that fails to start must not leave the service running.
  let browser: Browser | null = null;
  try {
    browser = await launch();
    slack.script.push({ error: 'channel_not_found' });
    await svc.send(createdBody({ isAgent: true, name: '<b>Eve</b> *Agent*', username: 'eve' }), {
      query: { 'secret-key': SECRET },
    });
    await svc.send({ old: null, new: { state: 9 } }, { query: { 'secret-key': SECRET } });
    await until(
      async () => (await svc.store.listDeliveries({ status: 'dead', limit: 1 })).length === 1,
      60_000,
      'dead delivery',
    );

    const page = await browser.newPage();
    const first = await page.goto(`${svc.url}/admin`);
    t.is(first?.status(), 401);
    await page.fill('input[name=token]', 'wrong');
    await page.click('button[type=submit]');
    t.true(await page.isVisible('text=Wrong token.'));
    await page.fill('input[name=token]', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${svc.url}/admin`);
    t.true(await page.isVisible('h2:has-text("Recent events")'));
    t.true(await page.isVisible('td:has-text("<b>Eve</b> *Agent* (eve)")'), 'names are shown as text, not HTML');

    await page.click('a:has-text("#1")');
    const slackPreview = page.locator('.preview[data-channel=ops]');
    t.regex(await slackPreview.innerText(), /New agent: <b>Eve<\/b> \*Agent\*/);
    t.regex(await page.locator('.preview[data-channel=log]').innerText(), /New agent/);
    t.regex(
      await page.locator('.preview[data-channel=hr]').innerText(),
      /New agent: <b>Eve<\/b> \*Agent\*/,
      'Teams escaping undone for display only',
    );
    if (process.env.VCC_NOTIFY_TEST_SCREENSHOT)
      await page.screenshot({ path: process.env.VCC_NOTIFY_TEST_SCREENSHOT, fullPage: true });

    await page.click('a:has-text("Refused requests")');
    t.true(await page.isVisible('td:has-text("invalid_payload")'));

    await page.click('a:has-text("Dead deliveries")');
    t.true(await page.isVisible('td:has-text("channel_not_found")'));
    await page.click('td button:has-text("Replay")');
    await page.waitForURL(/replayed=1/);
    await until(() => slack.posts.length === 1, 60_000, 'replayed post');
    await until(
      async () => (await svc.store.listDeliveries({ channel: 'ops', status: 'sent', limit: 1 })).length === 1,
      60_000,
      'sent',
    );
    await page.reload();
    t.true(await page.isVisible('text=No dead deliveries.'));
  } finally {
    await browser?.close();
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});
