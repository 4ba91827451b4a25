import test from 'ava';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/browser.ts';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { runCli, spawnService, stopService } from './helpers/child.ts';
import { freshDatabase } from './helpers/postgres.ts';
import { signInWalk } from './helpers/oidcWalk.ts';
import { ADMIN_TOKEN, CLIENT_SECRET, PEOPLE, signInSetup } from './helpers/oidcSetup.ts';
import { freePort } from './helpers/ports.ts';
import { assertNoSecrets, storeFiles } from './helpers/noSecrets.ts';

/** A page of the service with a session cookie (or none). */
const get = (url: string, session: string | null) =>
  fetch(url, { redirect: 'manual', headers: session ? { cookie: `vcc_notify_admin=${session}` } : {} });

/** Posts a form with the session and the CSRF token its mutes page (which always has a form) carries. */
async function post(url: string, path: string, session: string, fields: Record<string, string> = {}) {
  const page = await (await get(`${url}/admin/mutes`, session)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return fetch(`${url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `vcc_notify_admin=${session}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, ...fields }).toString(),
  });
}

test('sign-in through a real OpenID provider: a viewer reads and cannot act, an operator acts; the unlisted, the unverified, a forged state, a replayed code, another audience and an expired token are refused, each on the record', async (t) => {
  const s = await signInSetup(t);
  try {
    const viewer = await signInWalk(s.url, s.ca.caFile, PEOPLE.viewer.sub);
    t.is(viewer.status, 200, viewer.body);
    t.regex(viewer.body, /Signed in as Vic Viewer \(viewer\)/);
    t.truthy(viewer.session);
    t.is((await get(`${s.url}/admin`, viewer.session)).status, 200);
    const refusedAct = await post(s.url, '/admin/replay', viewer.session!);
    t.is(refusedAct.status, 403);
    t.regex(await refusedAct.text(), /replay needs an operator/);

    const operator = await signInWalk(s.url, s.ca.caFile, PEOPLE.operator.sub);
    t.regex(operator.body, /Signed in as Olga Operator \(operator\)/);
    const acted = await post(s.url, '/admin/replay', operator.session!);
    t.is(acted.status, 303, await acted.text());

    const refused = async (what: string, login: string, page: RegExp, status = 403) => {
      const w = await signInWalk(s.url, s.ca.caFile, login);
      t.is(w.status, status, `${what}: ${w.body}`);
      t.regex(w.body, page, what);
      t.is(w.session, null, `${what}: no session`);
    };
    await refused('not listed', PEOPLE.stranger.sub, /not listed in ADMIN_VIEWERS or ADMIN_OPERATORS/);
    await refused('unverified e-mail', PEOPLE.unverified.sub, /does not vouch for your e-mail/);
    s.provider.tamper = 'audience';
    await refused('another audience', PEOPLE.operator.sub, /did not check out/);
    s.provider.tamper = 'expired';
    await refused('expired', PEOPLE.operator.sub, /did not check out/);

    const forged = await get(`${s.url}/admin/callback?code=made-up-code&state=forged-state`, null);
    t.is(forged.status, 403);
    t.regex(await forged.text(), /already used, expired, or did not start here/);
    const stopped = await signInWalk(s.url, s.ca.caFile, PEOPLE.operator.sub, { stopAtCallback: true });
    const first = await get(stopped.url, null);
    t.is(first.status, 200, 'the callback, once');
    const replayed = await get(stopped.url, null);
    t.is(replayed.status, 403, 'the same code and state again');

    t.is((await post(s.url, '/admin/logout', operator.session!)).status, 303);
    t.is((await get(`${s.url}/admin`, operator.session)).status, 401, 'logged out');
    t.is((await get(`${s.url}/admin`, viewer.session)).status, 200, "the viewer's session goes on");

    const audit = JSON.parse((await runCli(['audit', '--json'], s.env)).stdout).entries as Array<
      Record<string, string>
    >;
    const rows = audit.map((e) => [e.action, e.outcome, e.actorId, e.actorName, e.detail]);
    t.deepEqual(
      rows.filter(([a]) => a === 'signin' || a === 'signout' || a === 'replay'),
      [
        ['signin', 'done', 'viewer-1', 'Vic Viewer <vic@viewers.example>', 'signed in (identity provider, viewer)'],
        [
          'replay',
          'refused',
          'viewer-1',
          'Vic Viewer <vic@viewers.example>',
          'viewers read; this needs an operator (ADMIN_OPERATORS)',
        ],
        [
          'signin',
          'done',
          'operator-1',
          'Olga Operator <olga@corp.example>',
          'signed in (identity provider, operator)',
        ],
        ['replay', 'done', 'operator-1', 'Olga Operator <olga@corp.example>', 're-queued 0 dead'],
        ['signin', 'refused', null, 'admin page', 'not listed'],
        ['signin', 'refused', null, 'admin page', 'unverified e-mail'],
        ...rows
          .filter(([a, o, , , d]) => a === 'signin' && o === 'refused' && /^token refused/.test(String(d)))
          .slice(0, 2),
        ['signin', 'refused', null, 'admin page', 'bad state'],
        [
          'signin',
          'done',
          'operator-1',
          'Olga Operator <olga@corp.example>',
          'signed in (identity provider, operator)',
        ],
        ['signin', 'refused', null, 'admin page', 'bad state'],
        ['signout', 'done', 'operator-1', 'Olga Operator <olga@corp.example>', 'signed out'],
      ] as unknown[],
    );
    const tokenRefusals = rows.filter(([, o, , , d]) => o === 'refused' && /^token refused/.test(String(d)));
    t.is(tokenRefusals.length, 2);
    t.regex(String(tokenRefusals[0]![4]), /aud/);
    t.regex(String(tokenRefusals[1]![4]), /exp/);
    const code = new URL(stopped.url).searchParams.get('code')!;
    const secrets = [CLIENT_SECRET, ADMIN_TOKEN, viewer.session!, operator.session!, code];
    assertNoSecrets(t, { log: s.svc.output(), audit: JSON.stringify(audit), ...storeFiles(s.dir) }, secrets);
    t.false(/made-up-code|code=/.test(JSON.stringify(audit)), 'no code in the record');
  } finally {
    await stopService(s.svc);
    cleanup(s.dir);
  }
});

test('a provider that cannot be reached: a clear page (503), a log line and a refused sign-in on the record, never a way in', async (t) => {
  const dir = tempDir();
  const svc = await startTestService(
    {
      PUBLIC_URL: 'http://127.0.0.1:9',
      ADMIN_OIDC_ISSUER: 'https://127.0.0.1:9',
      ADMIN_OIDC_CLIENT_ID: 'vcc-notify-admin',
      ADMIN_OPERATORS: 'it-ops',
    },
    { dir },
  );
  try {
    const res = await fetch(`${svc.url}/admin/login/oidc`, { redirect: 'manual' });
    t.is(res.status, 503);
    t.regex(await res.text(), /identity provider cannot be reached now/);
    t.is(res.headers.get('set-cookie'), null);
    await until(() => svc.logs.some((l) => l.includes('the identity provider cannot be reached')), 60_000, 'the log');
    const [entry] = await svc.store.listAudit({ action: 'signin', limit: 5 });
    t.like(entry, { outcome: 'refused', detail: 'identity provider unreachable' });
    t.is((await fetch(`${svc.url}/admin`, { redirect: 'manual' })).status, 401);
  } finally {
    await svc.stop();
    cleanup(dir);
  }
});

test("in Chromium: the page's sign-in button, the provider's own login form, and back to the page asked for, signed in; the sessions page; log out", async (t) => {
  const s = await signInSetup(t);
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    // The browser does not know the test CA (the service trusts it through NODE_EXTRA_CA_CERTS).
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    t.is((await page.goto(`${s.url}/admin/audit`))?.status(), 401);
    await page.click('#sign-in');
    await page.fill('input[name=login]', PEOPLE.operator.sub);
    await page.fill('input[name=password]', 'any password');
    await page.click('button[type=submit]');
    await page.click('button:has-text("Continue")');
    await page.waitForURL(`${s.url}/admin/audit`);
    t.true(await page.isVisible('h2:has-text("Audit log")'));
    t.true(await page.isVisible('td:has-text("Olga Operator <olga@corp.example>")'), 'the sign-in, on the record');
    await page.goto(`${s.url}/admin/sessions`);
    t.true(await page.isVisible('td:has-text("(you)")'));
    await page.click('button:has-text("Log out")');
    await page.waitForURL(`${s.url}/admin/login`);
    t.is((await page.goto(`${s.url}/admin`))?.status(), 401);
  } finally {
    await browser?.close();
    await stopService(s.svc);
    cleanup(s.dir);
  }
});

test('sessions live in the store: two instances on one Postgres share them, a logout on one ends it on both, a restart keeps them', async (t) => {
  const db = await freshDatabase();
  const s = await signInSetup(t, { DATABASE_URL: db.url });
  const bPort = await freePort();
  let a = s.svc;
  const b = spawnService(t, { ...s.env, PORT: String(bPort) });
  const bUrl = `http://127.0.0.1:${await b.port}`;
  try {
    const viewer = await signInWalk(s.url, s.ca.caFile, PEOPLE.viewer.sub);
    t.truthy(viewer.session);
    t.is((await get(`${bUrl}/admin`, viewer.session)).status, 200, 'made on A, works on B');
    t.is((await post(bUrl, '/admin/logout', viewer.session!)).status, 303);
    t.is((await get(`${s.url}/admin`, viewer.session)).status, 401, 'logged out on B, over on A');

    const operator = await signInWalk(s.url, s.ca.caFile, PEOPLE.operator.sub);
    await stopService(a);
    a = spawnService(t, s.env);
    await a.port;
    t.is((await get(`${s.url}/admin`, operator.session)).status, 200, 'A restarted: the session goes on');
    const sessions = await (await get(`${bUrl}/admin/sessions`, operator.session)).text();
    t.regex(sessions, /Olga Operator/);
    t.notRegex(sessions, /Vic Viewer/, 'an ended session is not listed');

    // An operator ends someone else's session, on any instance: it is over everywhere.
    const again = await signInWalk(s.url, s.ca.caFile, PEOPLE.viewer.sub);
    const listed = await (await get(`${bUrl}/admin/sessions`, operator.session)).text();
    const id = /<td>(\d+)<\/td>\s*<td>\s*Vic Viewer/.exec(listed)?.[1];
    t.truthy(id, listed);
    t.is((await post(bUrl, '/admin/sessions/end', operator.session!, { id: id! })).status, 303);
    t.is((await get(`${s.url}/admin`, again.session)).status, 401, 'ended by an operator');
    const ended = JSON.parse((await runCli(['audit', '--json', '--action', 'session.end'], s.env)).stdout).entries;
    t.like(ended[0], { outcome: 'done', actorId: 'operator-1', target: `session #${id}` });
  } finally {
    await stopService(a);
    await stopService(b);
    cleanup(s.dir);
    await db.drop();
  }
});
