import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { FakeOidcProvider } from '../fakes/oidcProvider.ts';
import { makeTestCa, type TestCa } from './testCa.ts';
import { spawnService, type ServiceProcess } from './child.ts';
import { tempDir } from './service.ts';
import { freePort } from './ports.ts';

export const CLIENT_ID = 'vcc-notify-admin';
export const CLIENT_SECRET = 'oidc-client-secret-5f0c2e';
export const ADMIN_TOKEN = 'break-glass-token-7d41a9';

/** The people of the sign-in tests, by login: who they are to the provider. */
export const PEOPLE = {
  viewer: { sub: 'viewer-1', email: 'vic@viewers.example', email_verified: true, name: 'Vic Viewer' },
  operator: {
    sub: 'operator-1',
    email: 'olga@corp.example',
    email_verified: true,
    name: 'Olga Operator',
    groups: ['it-ops'],
  },
  stranger: { sub: 'stranger-1', email: 'sam@elsewhere.example', email_verified: true, name: 'Sam Stranger' },
  unverified: { sub: 'unverified-1', email: 'uma@corp.example', email_verified: false, name: 'Uma Unverified' },
};

export interface SignInSetup {
  dir: string;
  ca: TestCa;
  provider: FakeOidcProvider;
  port: number;
  url: string;
  env: Record<string, string>;
  svc: ServiceProcess;
}

/**
 * A test CA, a real OpenID provider on HTTPS with PEOPLE, and `vcc-notify serve` as a child
 * process on a fixed port that trusts the CA only through NODE_EXTRA_CA_CERTS; viewers are
 * anyone at viewers.example, operators the `it-ops` group and uma@corp.example. `env` adds to
 * (or overrides) the service's environment.
 */
export async function signInSetup(t: ExecutionContext, env: Record<string, string> = {}): Promise<SignInSetup> {
  const dir = tempDir();
  const ca = makeTestCa(dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const provider = await new FakeOidcProvider().start(ca, {
    id: CLIENT_ID,
    secret: CLIENT_SECRET,
    redirectUri: `${url}/admin/callback`,
  });
  for (const p of Object.values(PEOPLE)) provider.accounts.set(p.sub, p);
  t.teardown(() => provider.stop());
  const full = {
    PORT: String(port),
    PUBLIC_URL: url,
    DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`,
    VCC_WEBHOOK_SECRET: 'sign-in-webhook-secret',
    ADMIN_OIDC_ISSUER: provider.issuer,
    ADMIN_OIDC_CLIENT_ID: CLIENT_ID,
    ADMIN_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    ADMIN_VIEWERS: '@viewers.example',
    ADMIN_OPERATORS: 'it-ops, uma@corp.example',
    ADMIN_TOKEN,
    NODE_EXTRA_CA_CERTS: ca.caFile,
    LOG_LEVEL: 'debug',
    ...env,
  };
  const svc = spawnService(t, full);
  await svc.port;
  return { dir, ca, provider, port, url, env: full, svc };
}
