import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { TestCa } from '../helpers/testCa.ts';

/** A person the provider knows: their login is their subject. */
export interface OidcAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

/**
 * A real OpenID provider (`oidc-provider`) on https://127.0.0.1 with a certificate from the
 * test's CA, one confidential client, its development login form (any password) and these
 * accounts; scope claims go in the ID token, as Entra ID and Google put them. `tamper` makes
 * the next token response carry an ID token the provider's own key signed but for another
 * audience, or long expired: what a client must refuse although the signature is good.
 */
export class FakeOidcProvider {
  issuer = '';
  readonly accounts = new Map<string, OidcAccount>();
  tamper: null | 'audience' | 'expired' = null;
  private server!: Server;

  async start(ca: TestCa, client: { id: string; secret: string; redirectUri: string }): Promise<this> {
    let handler: Parameters<typeof createServer>[1] = (_req, res) => void res.writeHead(503).end();
    this.server = createServer({ key: ca.key, cert: ca.cert }, (req, res) => handler!(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.issuer = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: client.id,
          client_secret: client.secret,
          redirect_uris: [client.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [jwk as never] },
      findAccount: async (_ctx, sub) => {
        const a = this.accounts.get(sub);
        return a ? { accountId: sub, claims: async () => ({ ...a }) } : undefined;
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
      conformIdTokenClaims: false,
      cookies: { keys: ['vcc-notify-test-provider-cookies'] },
      features: { devInteractions: { enabled: true } },
    });
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path !== '/token' || !this.tamper || typeof body?.id_token !== 'string') return;
      ctx.body = { ...body, id_token: await this.tampered(body.id_token, privateKey) };
      this.tamper = null;
    });
    handler = provider.callback();
    return this;
  }

  private async tampered(idToken: string, key: CryptoKey): Promise<string> {
    const claims = decodeJwt(idToken);
    const now = Math.floor(Date.now() / 1000);
    const changed =
      this.tamper === 'audience'
        ? { ...claims, aud: 'another-client' }
        : { ...claims, iat: now - 7200, exp: now - 3600 };
    return new SignJWT(changed).setProtectedHeader(decodeProtectedHeader(idToken) as never).sign(key);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
