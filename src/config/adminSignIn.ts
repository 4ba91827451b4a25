import { parseAccess, isEmpty, type AccessList } from './adminAccess.ts';
import type { NotifyConfig } from './NotifyConfig.ts';
import { decisionOf, DECISION_TYPES } from '../platforms/registry.ts';
import { isLoopback } from '../platforms/webhookUrl.ts';

/** The settings sign-in reads (config/settings.ts validates them). */
export interface SignInEnv {
  ADMIN_TOKEN?: string | undefined;
  ADMIN_OIDC_ISSUER?: string | undefined;
  ADMIN_OIDC_CLIENT_ID?: string | undefined;
  ADMIN_OIDC_CLIENT_SECRET?: string | undefined;
  ADMIN_OIDC_GROUPS_CLAIM: string;
  ADMIN_VIEWERS?: string | undefined;
  ADMIN_OPERATORS?: string | undefined;
  ADMIN_SESSION_IDLE_HOURS: number;
  PUBLIC_URL?: string | undefined;
}

/** OpenID Connect sign-in for /admin, as the settings give it. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Null: a public client (PKCE only). */
  clientSecret: string | null;
  /** PUBLIC_URL/admin/callback: what the provider must have registered. */
  redirectUri: string;
  /** The ID token claim holding the person's groups (ADMIN_OIDC_GROUPS_CLAIM). */
  groupsClaim: string;
  viewers: AccessList;
  operators: AccessList;
}

/** How people sign in to /admin: the token (API bearer and break-glass), the identity provider, or both. */
export interface AdminSignIn {
  token: string | null;
  oidc: OidcSettings | null;
  idleMs: number;
}

/**
 * The admin sign-in the environment configures; a string (naming the missing or wrong piece)
 * when it is half-configured. Null: no admin page.
 */
export function adminSignIn(e: SignInEnv): AdminSignIn | null | string {
  const issuer = e.ADMIN_OIDC_ISSUER;
  const lists = { viewers: parseAccess(e.ADMIN_VIEWERS), operators: parseAccess(e.ADMIN_OPERATORS) };
  if (!issuer) {
    if (e.ADMIN_OIDC_CLIENT_ID) return 'ADMIN_OIDC_CLIENT_ID is set but ADMIN_OIDC_ISSUER is not';
    if (e.ADMIN_OIDC_CLIENT_SECRET) return 'ADMIN_OIDC_CLIENT_SECRET is set but ADMIN_OIDC_ISSUER is not';
    for (const [name, list] of [
      ['ADMIN_VIEWERS', lists.viewers],
      ['ADMIN_OPERATORS', lists.operators],
    ] as const)
      if (!isEmpty(list)) return `${name} lists people but ADMIN_OIDC_ISSUER is not set: nothing signs them in`;
    return e.ADMIN_TOKEN ? { token: e.ADMIN_TOKEN, oidc: null, idleMs: e.ADMIN_SESSION_IDLE_HOURS * 3_600_000 } : null;
  }
  if (!e.ADMIN_OIDC_CLIENT_ID) return 'ADMIN_OIDC_ISSUER is set but ADMIN_OIDC_CLIENT_ID is not';
  if (!/^https:\/\/[^\s/]+/.test(issuer)) return 'ADMIN_OIDC_ISSUER must be the https address of the provider';
  if (!e.PUBLIC_URL)
    return 'ADMIN_OIDC_ISSUER needs PUBLIC_URL: the provider sends people back to PUBLIC_URL/admin/callback';
  const publicUrl = new URL(e.PUBLIC_URL);
  if (publicUrl.protocol !== 'https:' && !isLoopback(publicUrl.hostname))
    return `PUBLIC_URL must be https for sign-in (http only for localhost or a loopback address), not ${publicUrl.origin}`;
  return {
    token: e.ADMIN_TOKEN ?? null,
    idleMs: e.ADMIN_SESSION_IDLE_HOURS * 3_600_000,
    oidc: {
      issuer,
      clientId: e.ADMIN_OIDC_CLIENT_ID,
      clientSecret: e.ADMIN_OIDC_CLIENT_SECRET ?? null,
      redirectUri: `${e.PUBLIC_URL.replace(/\/+$/, '')}/admin/callback`,
      groupsClaim: e.ADMIN_OIDC_GROUPS_CLAIM,
      ...lists,
    },
  };
}

/** One line for check-config: what sign-in is configured, and who can get in. */
export function describeSignIn(s: AdminSignIn | null): string {
  if (!s) return 'admin page: off (set ADMIN_TOKEN or ADMIN_OIDC_ISSUER)';
  const ways: string[] = [];
  if (s.oidc) {
    const count = (l: AccessList) => l.emails.size + l.domains.size + l.groups.size;
    const who = `${count(s.oidc.viewers)} viewer and ${count(s.oidc.operators)} operator entries`;
    ways.push(`OpenID Connect at ${s.oidc.issuer} (client ${s.oidc.clientId}, ${who}, redirect ${s.oidc.redirectUri})`);
  }
  if (s.token) ways.push(s.oidc ? 'ADMIN_TOKEN (API and break-glass)' : 'ADMIN_TOKEN');
  return `admin sign-in: ${ways.join('; ')}; sessions end after ${s.idleMs / 3_600_000} h unused`;
}

/** A warning for check-config and the start, or null. */
export function signInWarning(s: AdminSignIn | null): string | null {
  if (s?.oidc && isEmpty(s.oidc.viewers) && isEmpty(s.oidc.operators))
    return 'ADMIN_OIDC_ISSUER is set but ADMIN_VIEWERS and ADMIN_OPERATORS are empty: nobody can sign in through it';
  return null;
}

/**
 * Reviewed routes to channels decided by link (webhooks: a Review link to the admin page) need
 * people to sign in there as themselves: one line per such channel when ADMIN_OIDC_ISSUER is not
 * set (the service does not start; check-config says so).
 */
export function linkReviewProblems(config: NotifyConfig, e: SignInEnv): string[] {
  if (e.ADMIN_OIDC_ISSUER) return [];
  const reviewed = new Set(config.routes.filter((r) => r.review).map((r) => r.channel));
  return Object.entries(config.channels)
    .filter(([name, ch]) => reviewed.has(name) && decisionOf(ch.type)?.by === 'link')
    .map(
      ([name, ch]) =>
        `channels.${name}: type ${ch.type} cannot send a click back, so its reviewers decide on the admin page by link: set ADMIN_OIDC_ISSUER (and PUBLIC_URL) so they can sign in there, or use a type with buttons (${DECISION_TYPES.join(', ')})`,
    );
}
