import type { AdminRole } from '../store/Store.ts';

/** Who an ADMIN_VIEWERS / ADMIN_OPERATORS list lets in: e-mail addresses, `@domain` entries, group names. */
export interface AccessList {
  emails: ReadonlySet<string>;
  domains: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

/** Entries separated by commas: `ann@example.com` (an address), `@example.com` (a domain), anything else a group. */
export function parseAccess(text: string | undefined): AccessList {
  const emails = new Set<string>();
  const domains = new Set<string>();
  const groups = new Set<string>();
  for (const raw of (text ?? '').split(',')) {
    const e = raw.trim();
    if (e === '') continue;
    if (e.startsWith('@')) domains.add(e.slice(1).toLowerCase());
    else if (e.includes('@')) emails.add(e.toLowerCase());
    else groups.add(e);
  }
  return { emails, domains, groups };
}

export const isEmpty = (l: AccessList) => l.emails.size + l.domains.size + l.groups.size === 0;

/** What the identity provider says of a person, as the lists are matched against it. */
export interface Person {
  email: string | null;
  /** `email_verified` exactly true: an address the provider does not vouch for never matches. */
  emailVerified: boolean;
  /** The groups claim's values (ADMIN_OIDC_GROUPS_CLAIM). */
  groups: readonly string[];
}

/** The role a person gets (operator before viewer), or why they are refused. Nobody is listed by default. */
export function roleOf(
  p: Person,
  lists: { viewers: AccessList; operators: AccessList },
): { role: AdminRole } | { refused: 'not listed' | 'unverified e-mail' } {
  let unverified = false;
  const matches = (l: AccessList) => {
    if (p.groups.some((g) => l.groups.has(g))) return true;
    const email = p.email?.toLowerCase() ?? null;
    const byEmail = email !== null && (l.emails.has(email) || l.domains.has(email.slice(email.lastIndexOf('@') + 1)));
    if (byEmail && !p.emailVerified) unverified = true;
    return byEmail && p.emailVerified;
  };
  if (matches(lists.operators)) return { role: 'operator' };
  if (matches(lists.viewers)) return { role: 'viewer' };
  return { refused: unverified ? 'unverified e-mail' : 'not listed' };
}
