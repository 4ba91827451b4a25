// Issue 12, attack 6: the admin pages against a hostile browser or client.
import test from 'ava';
import { assertNoSecrets } from './helpers/noSecrets.ts';
import { cleanup, startTestService, type TestService } from './helpers/service.ts';

const TOKEN = 'admin-token-hardening-7c1e';

async function admin(env: Record<string, string> = {}): Promise<TestService> {
  return startTestService({ VCC_WEBHOOK_SECRET: 'x', ADMIN_TOKEN: TOKEN, ...env }, { worker: false });
}

const login = (svc: TestService, token: string, headers: Record<string, string> = {}) =>
  fetch(`${svc.url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
  });
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

test('wrong tokens: 5 a minute per address, then 429 with Retry-After, even for the right token; each try logged, never the token', async (t) => {
  let now = 1_800_000_000_000;
  const svc = await startTestService(
    { VCC_WEBHOOK_SECRET: 'x', ADMIN_TOKEN: TOKEN },
    { worker: false, clock: () => now },
  );
  try {
    for (let i = 0; i < 5; i += 1) t.is((await login(svc, `wrong-token-${i}`)).status, 401, `try ${i + 1}`);
    const blocked = await login(svc, TOKEN);
    t.is(blocked.status, 429);
    t.is(blocked.headers.get('retry-after'), '60');
    t.is(
      (await fetch(`${svc.url}/admin`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
      429,
      'the bearer route is blocked too',
    );
    now += 61_000;
    const ok = await login(svc, TOKEN);
    t.is(ok.status, 303, 'a minute later the right token works');
    const logs = svc.logs.join('\n');
    t.is(svc.logs.filter((l) => l.includes('admin login failed: wrong token')).length, 5);
    t.true(svc.logs.some((l) => l.includes('too many wrong tokens')));
    t.true(svc.logs.some((l) => l.includes('"msg":"admin sign-in"')));
    assertNoSecrets(t, { log: logs }, [TOKEN, 'wrong-token-0']);
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('logout revokes the session: the old cookie no longer opens any page', async (t) => {
  const svc = await admin();
  try {
    const cookie = cookieOf(await login(svc, TOKEN));
    t.is((await fetch(`${svc.url}/admin`, { headers: { cookie } })).status, 200);
    const out = await fetch(`${svc.url}/admin/logout`, { method: 'POST', redirect: 'manual', headers: { cookie } });
    t.is(out.status, 303);
    t.is((await fetch(`${svc.url}/admin`, { headers: { cookie } })).status, 401, 'the old cookie still works');
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

// [name, env, request headers, whether the cookie must say Secure]
const cookieCases: Array<[string, Record<string, string>, Record<string, string>, boolean]> = [
  ['plain HTTP', {}, {}, false],
  ['X-Forwarded-Proto ignored without TRUST_PROXY', {}, { 'x-forwarded-proto': 'https' }, false],
  ['HTTPS at a trusted proxy', { TRUST_PROXY: 'true' }, { 'x-forwarded-proto': 'https' }, true],
];
for (const [name, env, headers, secure] of cookieCases) {
  test(`session cookie: ${name}`, async (t) => {
    const svc = await admin(env);
    try {
      const res = await login(svc, TOKEN, headers);
      t.is(res.status, 303);
      const c = res.headers.get('set-cookie') ?? '';
      t.regex(c, /httponly/i);
      t.regex(c, /samesite=strict/i);
      t.is(/;\s*secure/i.test(c), secure, c);
    } finally {
      await svc.stop();
      cleanup(svc.dir);
    }
  });
}

test('every admin page says: no script, no framing, no sniffing, no referrer', async (t) => {
  const svc = await admin();
  try {
    for (const [path, init] of [
      ['/admin/login', {}],
      ['/admin', {}],
      ['/admin', { headers: { authorization: `Bearer ${TOKEN}` } }],
      ['/admin/refused', { headers: { authorization: `Bearer ${TOKEN}` } }],
    ] as Array<[string, RequestInit]>) {
      const res = await fetch(`${svc.url}${path}`, init);
      const csp = res.headers.get('content-security-policy') ?? '';
      t.regex(csp, /default-src 'none'/, path);
      t.notRegex(csp, /script-src/, `${path}: no script source allowed`);
      t.regex(csp, /frame-ancestors 'none'/, path);
      t.is(res.headers.get('x-frame-options'), 'DENY', path);
      t.is(res.headers.get('x-content-type-options'), 'nosniff', path);
      t.is(res.headers.get('referrer-policy'), 'no-referrer', path);
    }
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('a login body over 16 KiB gets 413, not 500', async (t) => {
  const svc = await admin();
  try {
    const res = await fetch(`${svc.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${'a'.repeat(17 * 1024)}`,
    });
    t.is(res.status, 413);
    t.regex(await res.text(), /over 16 KiB/);
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});
