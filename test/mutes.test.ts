import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { agentStory } from './helpers/agentStory.ts';
import { runCli } from './helpers/child.ts';
import { FakeSlack } from './fakes/slack.ts';
import { eachStore, testStore } from './helpers/stores.ts';
import { launchChromium } from './helpers/browser.ts';
import { slackStack } from './helpers/slackStack.ts';
import { newMute } from '../src/domain/mutes.ts';
import type { Browser } from 'playwright-core';

const SECRET = 'mute-secret';
const q = { query: { 'secret-key': SECRET } };
/** A mute holds in every instance within this long of being made or ended (the contract). */
const HOLDS_WITHIN_MS = 2_000;
const OPS = 'channels:\n  ops: { type: slack, channel: C0OPS }\nroutes:\n  - channel: ops\n';

eachStore(
  'mute from the CLI: matching deliveries are held as muted (listed, resendable), others pass; an ended mute holds nothing',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(
      cfg,
      'channels:\n  ops: { type: slack, channel: C0OPS }\n  hr: { type: slack, channel: C0HR }\nroutes:\n  - channel: ops\n  - channel: hr\n',
    );
    const svc = await startTestService(
      { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, SLACK_BOT_TOKEN: 'xoxb-m', SLACK_API_URL: slack.apiUrl },
      { dir, pollMs: 50 },
    );
    const cli = (args: string[]) => runCli(args, { VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: store.url });
    // A name in a post's text or blocks (two events arriving together are one digest).
    const to = (channel: string, name: string) =>
      slack.posts.filter((p) => p.channel === channel && `${p.text}${JSON.stringify(p.blocks)}`.includes(name)).length;
    try {
      const bad = await cli(['mute', 'add', '--channel', 'nope', '--for', '2h', '--comment', 'x']);
      t.is(bad.code, 1);
      t.regex(bad.stderr, /unknown channel "nope"/);
      t.regex(
        (await cli(['mute', 'add', '--for', '2h', '--where', 'usernme=x', '--comment', 'x'])).stderr,
        /unknown field "usernme"/,
      );
      t.regex(
        (await cli(['mute', 'add', '--where', 'username=x', '--comment', 'x'])).stderr,
        /one of --for DURATION or --until/,
      );

      const made = Date.now();
      const add = await cli([
        'mute',
        'add',
        '--channel',
        'ops',
        '--where',
        'username~^import_',
        '--for',
        '2h',
        '--comment',
        'bulk import',
      ]);
      t.is(add.code, 0, add.stderr);
      const id = add.stdout.trim();
      t.regex(id, /^\d+$/);
      t.regex(
        (await cli(['mute', 'list'])).stdout,
        new RegExp(
          `^#${id}  until \\S+  channel ops · every kind · where username~\\^import_  by cli:\\S+: bulk import$`,
          'm',
        ),
      );
      await until(() => Date.now() - made >= HOLDS_WITHIN_MS, 10_000, 'the mute in force everywhere');
      const probe = join(dir, 'probe.json');
      writeFileSync(probe, JSON.stringify(agentStory(7009, 'import_probe').created()));
      const explained = await cli(['explain', '--event', probe]);
      t.regex(
        explained.stdout,
        new RegExp(`^mute    ops: held by mute #${id} until .+ UTC \\(bulk import\\); resend sends it$`, 'm'),
      );
      t.notRegex(explained.stdout, /^mute    hr:/m);

      const imported = agentStory(7001, 'import_0001', 'Imported One');
      const regular = agentStory(7002, 'regular_01', 'Regular One');
      await svc.send(imported.created(), q);
      await svc.send(regular.created(), q);
      await until(
        () => to('C0OPS', 'Regular One') === 1 && to('C0HR', 'Imported One') === 1,
        60_000,
        'the others',
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}; posts: ${JSON.stringify(slack.posts.map((p) => [p.channel, p.text]))}; log: ${svc.logs.slice(-15).join('\n')}`,
        );
      });
      await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'settled');
      t.is(to('C0OPS', 'Imported One'), 0, 'muted in ops');
      const muted = await svc.store.listDeliveries({ status: 'muted', limit: 10 });
      t.is(muted.length, 1);
      t.like(muted[0], { channel: 'ops', mutedBy: Number(id), lastError: `muted by mute #${id}: bulk import` });

      const listed = await cli(['deliveries', '--status', 'muted']);
      t.regex(listed.stdout, /ops/);
      const history = await cli(['history', '--user', '7001']);
      t.regex(history.stdout, /deliveries: .*ops muted/);
      const resend = await cli(['resend', '--event', String(muted[0]!.eventId), '--channel', 'ops']);
      t.is(resend.code, 0, resend.stderr);
      svc.worker.wake();
      await until(() => to('C0OPS', 'Imported One') === 1, 60_000, 'the resent one, past the mute');

      const ended = Date.now();
      t.regex((await cli(['mute', 'expire', id])).stdout, new RegExp(`^mute #${id} ended`));
      t.is((await cli(['mute', 'expire', id])).code, 1, 'ended already');
      t.regex((await cli(['mute', 'list'])).stdout, /^no mutes in force$/m);
      t.regex((await cli(['mute', 'list', '--all'])).stdout, new RegExp(`^#${id}  ended `, 'm'));
      await until(() => Date.now() - ended >= HOLDS_WITHIN_MS, 10_000, 'the end in force everywhere');
      const later = agentStory(7003, 'import_0002', 'Imported Two');
      await svc.send(later.created(), q);
      await until(() => to('C0OPS', 'Imported Two') === 1, 60_000, 'an ended mute holds nothing');
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

eachStore(
  'mute from Slack: /vcc mute holds matching events in that channel, mutes lists it, unmute ends it; mistakes change nothing',
  async (t, kind) => {
    const { SECRET: CMD_SECRET, command, start } = await import('./helpers/slackChat.ts');
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const svc = await start(dir, slack);
    try {
      const text = async (cmd: string) => String((await command(svc, slack, cmd)).json.text);
      t.regex(await text('subscribe created'), /^Subscribed/);
      t.regex(await text('mute 2h where username~^import_'), /say why after "because"/);
      t.regex(await text('mute soon because x'), /"soon" is not a duration/);
      t.regex(await text('mute 2h where usernme=x because x'), /unknown field "usernme"/);
      t.regex(await text('mutes'), /^No mutes in force here\.$/, 'nothing was saved');
      const made = Date.now();
      const reply = await text('mute 2h where username~^import_ because bulk import');
      const id = /^Muted here as #(\d+) until \S+ \S+ UTC/.exec(reply)?.[1];
      t.truthy(id, reply);
      t.regex(await text('mutes'), new RegExp(`^• #${id} until .+ UTC: bulk import$`, 'm'));
      await until(() => Date.now() - made >= HOLDS_WITHIN_MS, 10_000, 'the mute in force');

      const chat = () =>
        slack.posts.filter((p) => p.channel === 'C0CHAT').map((p) => `${p.text}${JSON.stringify(p.blocks)}`);
      await svc.send(agentStory(7101, 'import_0101', 'Imported Chat').created(), {
        query: { 'secret-key': CMD_SECRET },
      });
      await svc.send(agentStory(7102, 'regular_0102', 'Regular Chat').created(), {
        query: { 'secret-key': CMD_SECRET },
      });
      await until(() => chat().some((p) => p.includes('Regular Chat')), 60_000, 'the regular one');
      await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'settled');
      t.false(
        chat().some((p) => p.includes('Imported Chat')),
        'muted here',
      );
      const [muted] = await svc.store.listDeliveries({ status: 'muted', limit: 5 });
      t.like(muted, { channel: 'slack:C0CHAT', mutedBy: Number(id) });
      t.regex(muted!.lastError!, /bulk import/);

      t.regex(await text(`unmute ${id}`), new RegExp(`^Mute #${id} ended\\. What it held stays recorded as muted`));
      t.regex(await text(`unmute ${id}`), /^Not changed: no mute/);
      t.regex(await text('mutes'), /^No mutes in force here\.$/);

      // unmute ID send: ends a mute and sends what it held, once.
      const made2 = Date.now();
      const id2 = /^Muted here as #(\d+)/.exec(await text('mute 2h where username~^batch_ because second import'))![1]!;
      await until(() => Date.now() - made2 >= HOLDS_WITHIN_MS, 10_000, 'the second mute in force');
      for (const n of [1, 2, 3])
        await svc.send(agentStory(7110 + n, `batch_${n}`, `Batch Chat ${n}`).created(), {
          query: { 'secret-key': CMD_SECRET },
        });
      await until(
        async () => (await svc.store.listDeliveries({ status: 'muted', limit: 10 })).length === 4,
        60_000,
        'three more muted',
      );
      t.regex(await text(`unmute ${id2} maybe`), /unmute takes the id that mutes lists, and "send"/);
      t.regex(
        await text(`unmute ${id2} send`),
        new RegExp(`^Mute #${id2} ended; 3 held changes are on their way, once\\.$`),
      );
      await until(() => [1, 2, 3].every((n) => chat().some((p) => p.includes(`Batch Chat ${n}`))), 60_000, 'sent');
      await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'settled again');
      t.deepEqual(
        [1, 2, 3].map((n) => chat().filter((p) => p.includes(`Batch Chat ${n}`)).length),
        [1, 1, 1],
        'each once',
      );
      t.false(
        chat().some((p) => p.includes('Imported Chat')),
        "the first mute's, ended without send, stays held",
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
  'mute from the admin page: added (CSRF-checked), holds matching events, listed, ended early',
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(cfg, 'channels:\n  ops: { type: slack, channel: C0OPS }\nroutes:\n  - channel: ops\n');
    const svc = await startTestService(
      {
        VCC_WEBHOOK_SECRET: SECRET,
        VCC_NOTIFY_CONFIG: cfg,
        SLACK_BOT_TOKEN: 'xoxb-m',
        SLACK_API_URL: slack.apiUrl,
        ADMIN_TOKEN: 'adm-token',
      },
      { dir, pollMs: 50 },
    );
    const auth = { authorization: 'Bearer adm-token' };
    const page = () => fetch(`${svc.url}/admin/mutes`, { headers: auth }).then((r) => r.text());
    const post = (path: string, form: Record<string, string>) =>
      fetch(`${svc.url}${path}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
    try {
      const first = await page();
      t.regex(first, /No mutes in force/);
      const csrf = /name="csrf" value="([^"]+)"/.exec(first)![1]!;
      const form = { csrf, channel: 'ops', kinds: '', where: 'username~^import_', for: '2h', comment: 'bulk import' };
      t.is((await post('/admin/mutes', { ...form, csrf: 'forged' })).status, 403);
      const bad = await post('/admin/mutes', { ...form, for: 'soon' });
      t.is(bad.status, 400);
      t.regex(await bad.text(), /Not added: duration: write 90m, 2h or 1d/);
      const made = Date.now();
      const added = await post('/admin/mutes', form);
      t.is(added.status, 303);
      const id = /added=(\d+)/.exec(added.headers.get('location') ?? '')![1]!;
      t.regex(await page(), new RegExp(`#${id}</td>\\s*<td>ops · every kind · where username~\\^import_</td>`));
      await until(() => Date.now() - made >= HOLDS_WITHIN_MS, 10_000, 'the mute in force');
      await svc.send(agentStory(7201, 'import_0201', 'Imported Admin').created(), q);
      const muted = await until(
        () => svc.store.listDeliveries({ status: 'muted', limit: 1 }).then((d) => d[0]),
        60_000,
        'muted',
      );
      t.is(muted!.mutedBy, Number(id));
      const ended = await post('/admin/mutes/expire', { csrf, id });
      t.is(ended.status, 303);
      t.is(ended.headers.get('location'), `/admin/mutes?ended=${id}`);
      const after = await fetch(`${svc.url}${ended.headers.get('location')}`, { headers: auth }).then((r) => r.text());
      t.regex(after, new RegExp(`Mute #${id} ended`));
      t.regex(after, /No mutes in force/);
      t.is(slack.posts.length, 0);
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);

eachStore(
  'what a mute held is sent when it ends, once: mute expire --send-held, resend --mute, and resend says what a delivery was',
  async (t, kind) => {
    const { svc, slack, store, dir, stop } = await slackStack(kind, OPS, SECRET);
    const cli = (args: string[]) =>
      runCli(args, { VCC_NOTIFY_CONFIG: join(dir, 'vcc-notify.yaml'), DATABASE_URL: store.url });
    const names = Array.from({ length: 12 }, (_, i) => `Held Import ${String(i).padStart(2, '0')}`);
    const seen = (name: string) => slack.posts.filter((p) => JSON.stringify(p.blocks).includes(name)).length;
    try {
      const made = Date.now();
      const id = (await cli(['mute', 'add', '--channel', 'ops', '--for', '2h', '--comment', 'import'])).stdout.trim();
      await until(() => Date.now() - made >= HOLDS_WITHIN_MS, 10_000, 'the mute in force');
      for (const [i, name] of names.entries())
        t.is((await svc.send(agentStory(7300 + i, `held_${i}`, name).created(), q)).status, 200);
      await until(
        async () => (await svc.store.listDeliveries({ status: 'muted', limit: 20 })).length === 12,
        60_000,
        'all held',
      );
      t.is(slack.posts.length, 0);

      const early = await cli(['resend', '--mute', id]);
      t.is(early.code, 1);
      t.is(
        early.stderr,
        `vcc-notify: mute #${id} is still in force: end it and send what it held with mute expire ${id} --send-held\n`,
      );
      const [first] = await svc.store.listDeliveries({ status: 'muted', limit: 1 });
      const one = await cli(['resend', '--event', String(first!.eventId), '--channel', 'ops']);
      t.regex(one.stdout, /\(delivery #\d+, held by a mute before: queued now\)/);
      t.notRegex(one.stdout, /sent before/, 'it was never sent');
      await until(() => slack.posts.length === 1, 60_000, 'the one resent');

      const ended = await cli(['mute', 'expire', id, '--send-held']);
      t.is(ended.code, 0, ended.stderr);
      t.regex(ended.stdout, new RegExp(`^mute #${id} ended\\n11 deliveries mute #${id} held queued to send once`));
      await until(() => names.every((n) => seen(n) >= 1), 60_000, 'everything it held');
      await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'settled');
      t.deepEqual(
        names.filter((n) => seen(n) !== 1),
        [],
        'each once',
      );
      t.true(slack.posts.length <= 4, `${slack.posts.length} messages: a burst goes as digests`);
      t.deepEqual([...new Set((await svc.store.listDeliveries({ limit: 20 })).map((d) => d.status))], ['sent']);
      t.regex(
        (await cli(['resend', '--mute', id])).stdout,
        new RegExp(`^mute #${id} held nothing that is still unsent$`, 'm'),
      );
      const again = await cli(['resend', '--event', String(first!.eventId), '--channel', 'ops']);
      t.regex(again.stdout, /sent before: queued again/);
      t.is((await cli(['resend', '--mute', '99999'])).stderr, 'vcc-notify: no mute #99999\n');
      t.is((await cli(['resend'])).stderr, 'vcc-notify: give one of --event ID or --mute ID\n');
    } finally {
      await stop();
    }
  },
);

eachStore('in Chromium: "End and send what it held" ends a mute and sends what it held, once', async (t, kind) => {
  const { svc, slack, stop } = await slackStack(kind, OPS, SECRET, { ADMIN_TOKEN: 'adm-token' });
  let browser: Browser | null = null;
  try {
    const now = Date.now();
    const id = await svc.store.addMute(
      newMute({ channel: 'ops', kinds: [], where: [], comment: 'night import', by: 'test' }, 3_600_000, now),
    );
    await until(() => Date.now() - now >= HOLDS_WITHIN_MS, 10_000, 'the mute in force');
    for (const n of [1, 2]) await svc.send(agentStory(7400 + n, `page_${n}`, `Page Held ${n}`).created(), q);
    await until(
      async () => (await svc.store.listDeliveries({ status: 'muted', limit: 5 })).length === 2,
      60_000,
      'both held',
    );
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${svc.url}/admin`);
    await page.fill('input[name=token]', 'adm-token');
    await page.click('button[type=submit]');
    await page.waitForURL(`${svc.url}/admin`);
    await page.goto(`${svc.url}/admin/mutes`);
    await page.click('button:has-text("End and send what it held")');
    await page.waitForURL(/sent=2/);
    t.true(await page.isVisible(`text=Mute #${id} ended. 2 changes it held queued to send, once.`));
    await until(() => [1, 2].every((n) => JSON.stringify(slack.posts).includes(`Page Held ${n}`)), 60_000, 'sent');
    await until(async () => (await svc.store.queueStats()).pending === 0, 60_000, 'settled');
    t.deepEqual(
      [1, 2].map((n) => slack.posts.filter((p) => JSON.stringify(p.blocks).includes(`Page Held ${n}`)).length),
      [1, 1],
    );
    t.true(await page.isVisible('text=No mutes in force.'));
    // The ended mute offers to send what it held; it holds nothing now.
    await page.click('button:has-text("Send what it held")');
    await page.waitForURL(/sent=0/);
    t.true(await page.isVisible(`text=Mute #${id}. It held nothing unsent.`));
  } finally {
    await browser?.close();
    await stop();
  }
});
