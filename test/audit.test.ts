import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { testStore } from './helpers/testStore.ts';
import { openStore } from '../src/store/openStore.ts';
import { auditStep } from '../src/store/auditSql.ts';
import { runCli } from './helpers/child.ts';
import { createdBody } from './helpers/fixtures.ts';
import { eachStore, storeText } from './helpers/stores.ts';
import { slackStack, type SlackStack } from './helpers/slackStack.ts';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import type { StoredAudit } from '../src/domain/audit.ts';

const SECRET = 'audit-webhook-secret';
const TOKEN = 'audit-admin-token-7f3a9c';
const WRONG = 'audit-wrong-token-51bd0e';
const PASSWORD = 'VccAgentPassw0rd-9d2e';
const YAML = 'channels:\n  ops: { type: slack, channel: C0OPS }\nroutes:\n  - channel: ops\n';
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();

/** A browser-like session on the admin page: a cookie after login, the CSRF token of its pages. */
async function pageSession(url: string) {
  let cookie = '';
  const post = (path: string, body: Record<string, string>) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: form(body),
    });
  const login = async (token: string) => {
    const r = await post('/admin/login', { token });
    const set = r.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    return r.status;
  };
  const csrf = async () => {
    const html = await (await fetch(`${url}/admin/mutes`, { headers: { cookie } })).text();
    return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  };
  const get = (path: string) => fetch(`${url}${path}`, { headers: { cookie } });
  return { post, login, csrf, get };
}

/** The audit entries the store holds, oldest first. */
const entries = (s: SlackStack): Promise<StoredAudit[]> => s.svc.store.listAudit({ limit: 1_000 });

/** The one entry of `action` with `outcome` from `via`, failing `t` when there is not exactly one. */
function one(t: ExecutionContext, all: StoredAudit[], action: string, outcome: string, via: string) {
  const found = all.filter((e) => e.action === action && e.outcome === outcome && e.via === via);
  t.is(
    found.length,
    1,
    `one ${outcome} ${action} via ${via}: ${JSON.stringify(all.map((e) => [e.action, e.outcome, e.via]))}`,
  );
  return found[0]!;
}

eachStore(
  'audit: the admin page, its API and the CLI each record their actions with the right actor; refusals too; nothing secret in the store, the log or the export',
  async (t, kind) => {
    const s = await slackStack(kind, YAML, SECRET, { ADMIN_TOKEN: TOKEN });
    const cfg = join(s.dir, 'vcc-notify.yaml');
    writeFileSync(cfg, YAML);
    const cli = (args: string[]) =>
      runCli(args, { VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: s.store.url, VCC_WEBHOOK_SECRET: SECRET });
    try {
      // An event (with a password from VCC) and a dead delivery to replay.
      s.slack.script.push({ error: 'channel_not_found' });
      const sent = await s.svc.send(createdBody({ username: 'audited', password: PASSWORD }), {
        query: { 'secret-key': SECRET },
      });
      t.is(sent.status, 200);
      const eventId = sent.json.event as number;
      await until(async () => (await s.svc.store.listDeliveries({ status: 'dead', limit: 1 })).length === 1);
      const [dead] = await s.svc.store.listDeliveries({ status: 'dead', limit: 1 });

      // The page: a wrong token, a sign-in, a bad form, a mute, its end with what it held, a replay, a resend, a sign-out.
      const page = await pageSession(s.svc.url);
      t.is(await page.login(WRONG), 401);
      t.is(await page.login(TOKEN), 303);
      const csrf = await page.csrf();
      t.is((await page.post('/admin/mutes', { csrf, channel: 'ops', for: '2h', comment: '' })).status, 400);
      const added = await page.post('/admin/mutes', { csrf, channel: 'ops', for: '2h', comment: 'page mute' });
      t.is(added.status, 303);
      const muteId = Number(/added=(\d+)/.exec(added.headers.get('location')!)![1]);
      t.is((await page.post('/admin/mutes/expire', { csrf, id: String(muteId), send: '1' })).status, 303);
      t.is((await page.post('/admin/replay', { csrf, id: String(dead!.id) })).status, 303);
      t.is((await page.post(`/admin/events/${eventId}/resend`, { csrf, channel: 'nope' })).status, 404);
      t.is((await page.post(`/admin/events/${eventId}/resend`, { csrf, channel: 'ops' })).status, 303);

      // The API: a wrong bearer token, then a replay with the right one.
      t.is((await fetch(`${s.svc.url}/admin`, { headers: { authorization: `Bearer ${WRONG}` } })).status, 401);
      const bearer = { authorization: `Bearer ${TOKEN}` };
      const apiCsrf = /name="csrf" value="([^"]+)"/.exec(
        await (await fetch(`${s.svc.url}/admin/mutes`, { headers: bearer })).text(),
      )![1]!;
      const replayed = await fetch(`${s.svc.url}/admin/replay`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ csrf: apiCsrf }),
      });
      t.is(replayed.status, 303);
      const apiPost = (path: string, body: Record<string, string>) =>
        fetch(`${s.svc.url}${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
          body: form({ csrf: apiCsrf, ...body }),
        });
      t.is((await apiPost('/admin/mutes', { channel: 'ops', for: '1h', comment: 'api mute' })).status, 303);
      t.is((await apiPost(`/admin/events/${eventId}/resend`, { channel: 'ops' })).status, 303);

      // The CLI: a mute, a refused one, its end, a replay, a resend, what an ended mute held.
      const cliMute = await cli(['mute', 'add', '--channel', 'ops', '--for', '1h', '--comment', 'cli mute']);
      t.is(cliMute.code, 0, cliMute.stderr);
      t.is((await cli(['mute', 'add', '--channel', 'nope', '--for', '1h', '--comment', 'x'])).code, 1);
      t.is((await cli(['mute', 'expire', cliMute.stdout.trim()])).code, 0);
      t.is((await cli(['resend', '--mute', cliMute.stdout.trim()])).code, 0);
      t.is((await cli(['replay', '--dead', '--channel', 'ops'])).code, 0);
      t.is((await cli(['resend', '--event', String(eventId), '--channel', 'ops'])).code, 0);
      t.is((await cli(['resend', '--event', '999999', '--channel', 'ops'])).code, 1);
      t.is((await page.post('/admin/logout', {})).status, 303);

      const all = await entries(s);
      const signin = one(t, all, 'signin', 'done', 'page');
      t.like(signin, { actorName: 'token', actorId: 'token', target: 'session #1', platform: null });
      t.regex(signin.address ?? '', /127\.0\.0\.1/);
      t.like(one(t, all, 'signin', 'refused', 'page'), { detail: 'wrong token' });
      t.like(one(t, all, 'signin', 'refused', 'api'), { detail: 'wrong bearer token', actorName: 'admin API' });
      one(t, all, 'signout', 'done', 'page');
      t.regex(one(t, all, 'mute.add', 'refused', 'page').detail, /comment/);
      t.like(one(t, all, 'mute.add', 'done', 'page'), { target: `mute #${muteId}` });
      t.regex(one(t, all, 'mute.expire', 'done', 'page').detail, /ended; what it held sent: 0/);
      t.like(one(t, all, 'replay', 'done', 'page'), { target: `delivery #${dead!.id}`, detail: 're-queued 1 dead' });
      t.regex(one(t, all, 'resend', 'refused', 'page').detail, /No channel "nope"/);
      t.regex(one(t, all, 'resend', 'done', 'page').detail, new RegExp(`event #${eventId} to ops \\(was `));
      t.like(one(t, all, 'replay', 'done', 'api'), { actorName: 'token', target: 'dead deliveries' });
      t.regex(one(t, all, 'mute.add', 'done', 'api').detail, /channel ops · every kind · until .* · "api mute"/);
      t.regex(one(t, all, 'resend', 'done', 'api').target ?? '', /^delivery #\d+$/);

      const cliAdd = one(t, all, 'mute.add', 'done', 'cli');
      t.like(cliAdd, { target: `mute #${cliMute.stdout.trim()}` });
      t.truthy(cliAdd.actorId, 'the OS user');
      t.regex(one(t, all, 'mute.add', 'refused', 'cli').detail, /unknown channel "nope"/);
      one(t, all, 'mute.expire', 'done', 'cli');
      t.like(one(t, all, 'mute.send-held', 'done', 'cli'), { detail: 'held deliveries queued: 0' });
      t.like(one(t, all, 'replay', 'done', 'cli'), { target: 'channel ops' });
      t.regex(
        one(t, all, 'resend', 'done', 'cli').detail,
        new RegExp(`^event #${eventId} to ops \\(was (pending|sent)\\)$`),
      );
      t.like(one(t, all, 'resend', 'refused', 'cli'), { target: 'event #999999', detail: 'no event 999999' });

      // Exports: each starts with when, which filters, how many; the count is the rows'.
      const csv = await cli(['audit', '--csv']);
      t.is(csv.code, 0, csv.stderr);
      const lines = csv.stdout.trimEnd().split('\r\n');
      t.regex(lines[0]!, /^# vcc-notify audit export made \d{4}-\d\d-\d\dT/);
      t.is(lines[1], '# filters: none');
      t.is(lines[2], `# entries: ${all.length}`);
      t.is(lines[3], 'id,at,via,platform,actor_id,actor,action,target,address,outcome,detail');
      t.is(lines.length - 4, all.length);
      const json = JSON.parse((await cli(['audit', '--json', '--action', 'mute.add', '--who', 'token'])).stdout);
      t.deepEqual(json.filters, { who: 'token', action: 'mute.add' });
      t.is(json.count, 3, 'the page mute, its refusal, the API mute');
      t.is(json.entries.length, json.count);
      t.regex((await cli(['audit', '--action', 'nope'])).stderr, /Allowed choices are subscribe, unsubscribe/);
      t.is((await page.get('/admin/audit.csv')).status, 401, 'signed out: the session ended');
      const authed = await (await fetch(`${s.svc.url}/admin/audit.csv?action=replay`, { headers: bearer })).text();
      t.regex(authed, /^# vcc-notify audit export made \S+\r\n# filters: action=replay\r\n# entries: 3\r\n/);
      t.is(authed.trimEnd().split('\r\n').length, 4 + 3);
      t.is((await fetch(`${s.svc.url}/admin/audit?since=yesterday`, { headers: bearer })).status, 400);

      assertNoSecrets(
        t,
        {
          'the store': await storeText(s.store, s.dir),
          'the log': s.svc.logs,
          'the CSV': csv.stdout,
          'the audit page': await (await fetch(`${s.svc.url}/admin/audit`, { headers: bearer })).text(),
        },
        [TOKEN, WRONG, PASSWORD, SECRET, 'xoxb-stack'],
      );
    } finally {
      await s.stop();
    }
  },
);

eachStore(
  'AUDIT_RETENTION_DAYS prunes whole UTC days at start, and says so in the log; newer entries stay',
  async (t, kind) => {
    const dir = tempDir();
    const db = await testStore(kind, dir);
    const at = (iso: string) => Date.parse(iso);
    const store = await openStore(db.url, { writerThread: false });
    for (const when of ['2026-12-03T10:00:00Z', '2026-12-04T23:59:59Z', '2026-12-05T00:00:00Z', '2026-12-06T11:00:00Z'])
      await store.transaction([
        auditStep({
          at: at(when),
          via: 'cli',
          platform: null,
          actorId: 'ops',
          actorName: 'ops',
          action: 'replay',
          target: null,
          address: null,
          outcome: 'done',
          detail: when,
        }),
      ]);
    await store.close();
    const svc = await startTestService({ AUDIT_RETENTION_DAYS: '1' }, { dir, clock: () => at('2026-12-06T12:00:00Z') });
    try {
      await until(() => svc.logs.some((l) => l.includes('audit entries older than AUDIT_RETENTION_DAYS pruned')));
      t.deepEqual(
        (await svc.store.listAudit({ limit: 10 })).map((e) => e.detail),
        ['2026-12-05T00:00:00Z', '2026-12-06T11:00:00Z'],
      );
      const line = JSON.parse(svc.logs.find((l) => l.includes('AUDIT_RETENTION_DAYS pruned'))!);
      t.like(line, { entries: 2, before: '2026-12-05T00:00:00.000Z', days: 1 });
    } finally {
      await svc.stop();
      await db.drop();
      cleanup(dir);
    }
  },
);
