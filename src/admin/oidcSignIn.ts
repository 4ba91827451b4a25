import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { Actions } from '../actions/Actions.ts';
import { newSecret } from '../actions/sessionActions.ts';
import type { OidcSettings } from '../config/adminSignIn.ts';
import { roleOf } from '../config/adminAccess.ts';
import type { AdminRole } from '../store/Store.ts';
import { sanitizeLine } from '../render/sanitize.ts';

/** How far the provider's clock may be from ours when its tokens' times are checked. */
export const CLOCK_SKEW_SECONDS = 60;
/** How long a call to the provider (discovery, the token request) may take. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** Who signed in, as the ID token says (signature, issuer, audience, expiry and nonce checked). */
export interface SignedInPerson {
  subject: string;
  email: string | null;
  name: string;
  role: AdminRole;
}

/** Why a sign-in was refused: a reason for the record and the log, and a sentence for the person. */
export interface Refusal {
  reason: string;
  page: string;
  /** The provider could not be reached (503), rather than a refusal (403). */
  down?: true;
}

/**
 * Sign-in through the company's identity provider (OpenID Connect, authorization code with
 * PKCE, openid-client): `begin` keeps the sign-in under way in the store (state, nonce, PKCE
 * verifier; any instance can finish it) and gives the provider's address; `finish` takes it
 * back once (a replayed state or code finds nothing), has the library check the ID token, and
 * gives the person with their role from ADMIN_VIEWERS / ADMIN_OPERATORS, or why not.
 */
export class OidcSignIn {
  private config: Promise<client.Configuration> | null = null;

  constructor(
    private readonly s: OidcSettings,
    private readonly actions: Pick<Actions, 'loginStarted' | 'loginTaken'>,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** The provider's metadata, read once; a failed read is tried again on the next sign-in. */
  private configuration(): Promise<client.Configuration> {
    if (this.config) return this.config;
    const metadata: Partial<client.ClientMetadata> = { [client.clockTolerance]: CLOCK_SKEW_SECONDS };
    if (this.s.clientSecret) metadata.client_secret = this.s.clientSecret;
    const found = client.discovery(
      new URL(this.s.issuer),
      this.s.clientId,
      metadata,
      this.s.clientSecret ? undefined : client.None(),
      { timeout: PROVIDER_TIMEOUT_SECONDS },
    );
    const config = found.catch((e: unknown) => {
      this.config = null;
      throw e;
    });
    this.config = config;
    return config;
  }

  /** The provider's sign-in address for a new sign-in that returns to `back`; a Refusal when the provider is down. */
  async begin(back: string): Promise<URL | Refusal> {
    let config: client.Configuration;
    try {
      config = await this.configuration();
    } catch (e) {
      return this.down(e);
    }
    const verifier = client.randomPKCECodeVerifier();
    const state = newSecret();
    const nonce = newSecret();
    await this.actions.loginStarted(state, { verifier, nonce, back, createdAt: this.clock() });
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.s.redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
  }

  /** The callback (`url`: as the browser requested it): the person and where they were going, or why not. */
  async finish(url: URL): Promise<{ person: SignedInPerson; back: string } | Refusal> {
    const state = url.searchParams.get('state');
    const pending = state && state.length <= 200 ? await this.actions.loginTaken(state) : null;
    if (!pending)
      return { reason: 'bad state', page: 'This sign-in link was already used, expired, or did not start here.' };
    let config: client.Configuration;
    try {
      config = await this.configuration();
    } catch (e) {
      return this.down(e);
    }
    // The library compares the state itself: the stored one came back from the store by its hash.
    let claims: client.IDToken;
    try {
      const tokens = await client.authorizationCodeGrant(config, this.asRedirect(url), {
        pkceCodeVerifier: pending.verifier,
        expectedState: state!,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims()!;
    } catch (e) {
      return unreachable(e) ? this.down(e) : this.refusedToken(e);
    }
    const person = {
      email: typeof claims.email === 'string' ? claims.email.slice(0, 320) : null,
      emailVerified: claims.email_verified === true,
      groups: groupsOf(claims[this.s.groupsClaim]),
    };
    const got = roleOf(person, this.s);
    if ('refused' in got)
      return {
        reason: got.refused,
        page:
          got.refused === 'not listed'
            ? 'You signed in, but you are not listed in ADMIN_VIEWERS or ADMIN_OPERATORS. Ask whoever runs vcc-notify.'
            : 'Your identity provider does not vouch for your e-mail address (email_verified), so it cannot let you in.',
      };
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name : (person.email ?? claims.sub);
    return {
      person: {
        subject: claims.sub.slice(0, 255),
        // Kept (and so matched as a reviewer) only when the provider vouches for it.
        email: person.emailVerified ? person.email : null,
        name: sanitizeLine(name).slice(0, 120),
        role: got.role,
      },
      back: pending.back,
    };
  }

  /** The callback address as the provider redirected to it: PUBLIC_URL's origin and path, the request's query. */
  private asRedirect(url: URL): URL {
    const r = new URL(this.s.redirectUri);
    r.search = url.search;
    return r;
  }

  private down(e: unknown): Refusal {
    const message = sanitizeLine((e as Error).message ?? String(e)).slice(0, 200);
    this.log.error(
      { issuer: this.s.issuer, err: { message } },
      'admin sign-in: the identity provider cannot be reached',
    );
    return {
      reason: 'identity provider unreachable',
      page: 'The identity provider cannot be reached now, so nobody can sign in through it. Try again later.',
      down: true,
    };
  }

  private refusedToken(e: unknown): Refusal {
    // openid-client's error names the kind; the check that failed (which claim) is its cause's message.
    const err = e as { code?: string; error?: string; message?: string; cause?: { message?: unknown } };
    const detail = typeof err.cause?.message === 'string' ? err.cause.message : (err.message ?? '');
    const why = sanitizeLine(`${err.error ?? err.code ?? 'error'}: ${detail}`).slice(0, 200);
    this.log.warn(
      { issuer: this.s.issuer, reason: why },
      'admin sign-in refused: the provider answer did not check out',
    );
    return {
      reason: `token refused (${why})`,
      page: "The identity provider's answer did not check out, so you are not signed in.",
    };
  }
}

/** Whether a call failed for want of an answer (fetch's network TypeError, a timeout), not for what came back. */
const unreachable = (e: unknown) =>
  (e instanceof TypeError && (e as { code?: unknown }).code === undefined) ||
  ['AbortError', 'TimeoutError'].includes((e as Error)?.name);

/** A groups claim's values (a list of strings, or one string), bounded. */
function groupsOf(v: unknown): string[] {
  const all = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return all.filter((g): g is string => typeof g === 'string' && g.length <= 256).slice(0, 500);
}
