import test from 'ava';
import { docText } from './helpers/docs.ts';
import { loadSettings } from '../src/config/settings.ts';
import { adminSignIn, describeSignIn } from '../src/config/adminSignIn.ts';
import { runCli } from './helpers/child.ts';

const ISSUER = 'https://login.example.com/tenant/v2.0';
const full = {
  ADMIN_OIDC_ISSUER: ISSUER,
  ADMIN_OIDC_CLIENT_ID: 'app-id',
  PUBLIC_URL: 'https://vcc-notify.example.com',
  ADMIN_OPERATORS: 'it-ops',
};

const refused: Array<{ name: string; env: Record<string, string>; error: RegExp }> = [
  {
    name: 'an issuer without a client id',
    env: { ...full, ADMIN_OIDC_CLIENT_ID: '' },
    error: /ADMIN_OIDC_CLIENT_ID is not/,
  },
  { name: 'a client id without an issuer', env: { ADMIN_OIDC_CLIENT_ID: 'app-id' }, error: /ADMIN_OIDC_ISSUER is not/ },
  {
    name: 'a secret without an issuer',
    env: { ADMIN_OIDC_CLIENT_SECRET: 'shh-secret' },
    error: /ADMIN_OIDC_ISSUER is not/,
  },
  {
    name: 'operators without an issuer (even with a token)',
    env: { ADMIN_TOKEN: 'tok-123456', ADMIN_OPERATORS: 'it-ops' },
    error: /ADMIN_OPERATORS lists people but ADMIN_OIDC_ISSUER is not set/,
  },
  { name: 'viewers without an issuer', env: { ADMIN_VIEWERS: '@example.com' }, error: /ADMIN_VIEWERS lists people/ },
  { name: 'an issuer without PUBLIC_URL', env: { ...full, PUBLIC_URL: '' }, error: /needs PUBLIC_URL/ },
  {
    name: 'a PUBLIC_URL on plain http elsewhere than loopback',
    env: { ...full, PUBLIC_URL: 'http://vcc-notify.example.com' },
    error: /PUBLIC_URL must be https for sign-in/,
  },
  {
    name: 'an issuer on plain http',
    env: { ...full, ADMIN_OIDC_ISSUER: 'http://login.example.com' },
    error: /must be the https address/,
  },
];
for (const c of refused)
  test(`sign-in settings refused: ${c.name}`, (t) => {
    t.throws(() => loadSettings(c.env), { message: c.error });
  });

const accepted: Array<{ name: string; env: Record<string, string>; says: RegExp }> = [
  { name: 'nothing: no admin page', env: {}, says: /^admin page: off/ },
  { name: 'the token alone', env: { ADMIN_TOKEN: 'tok-123456' }, says: /^admin sign-in: ADMIN_TOKEN;/ },
  {
    name: 'the provider and the token',
    env: { ...full, ADMIN_TOKEN: 'tok-123456' },
    says: /OpenID Connect at https:\/\/login\.example\.com\/tenant\/v2\.0 \(client app-id, 0 viewer and 1 operator entries, redirect https:\/\/vcc-notify\.example\.com\/admin\/callback\); ADMIN_TOKEN \(API and break-glass\)/,
  },
  {
    name: 'http on localhost',
    env: { ...full, PUBLIC_URL: 'http://localhost:3000' },
    says: /redirect http:\/\/localhost:3000\/admin\/callback/,
  },
  {
    name: 'http on 127.0.0.1',
    env: { ...full, PUBLIC_URL: 'http://127.0.0.1:3000/' },
    says: /redirect http:\/\/127\.0\.0\.1:3000\/admin\/callback/,
  },
];
for (const c of accepted)
  test(`sign-in settings: ${c.name}`, (t) => {
    const s = adminSignIn(loadSettings(c.env).env);
    t.not(typeof s, 'string');
    t.regex(describeSignIn(s as Exclude<typeof s, string>), c.says);
  });

test("the operating guide's sign-in settings, filled in, are a working configuration", (t) => {
  const readme = docText('docs/operating.md');
  const block = /### Sign-in and audit[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  const env = Object.fromEntries(
    block
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => {
        const [k, ...v] = l.replace(/\s+#.*$/, '').split('=');
        return [k!, v.join('=').replace(/\.\.\.|TENANT-ID/g, 'x1')];
      }),
  );
  const s = adminSignIn(loadSettings(env).env);
  t.like(s, { oidc: { redirectUri: 'https://vcc-notify.example.com/admin/callback' } });
});

test('check-config says what sign-in is configured, warns when nobody is listed, and refuses a half-configured one naming the piece', async (t) => {
  const ok = await runCli(['check-config'], { ...full, ADMIN_OPERATORS: '' });
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /admin sign-in: OpenID Connect at https:\/\/login\.example\.com/);
  t.regex(ok.stdout, /warning: ADMIN_OIDC_ISSUER is set but ADMIN_VIEWERS and ADMIN_OPERATORS are empty/);
  const half = await runCli(['check-config'], { ADMIN_OIDC_ISSUER: ISSUER, PUBLIC_URL: full.PUBLIC_URL });
  t.is(half.code, 1);
  t.regex(half.stderr, /ADMIN_OIDC_ISSUER is set but ADMIN_OIDC_CLIENT_ID is not/);
});
