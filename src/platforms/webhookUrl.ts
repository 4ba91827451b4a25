import { isIP } from 'node:net';
import { ok, problem, type Finding } from '../domain/checks.ts';

/** Where a kind of webhook URL lives: hosts (exact, or `.suffix`) and the path it has there. */
export interface WebhookShape {
  /** For people: "a Slack incoming webhook". */
  what: string;
  hosts: readonly string[];
  path: RegExp;
  /** Where a person gets a right one, as an instruction. */
  fix: string;
}

export const hostMatches = (host: string, hosts: readonly string[]): boolean =>
  hosts.some((h) => (h.startsWith('.') ? host.endsWith(h) && host.length > h.length : host === h));

/** 127.0.0.0/8, ::1 (bracketed or not) and localhost, as a URL's hostname gives them: this machine. */
export const isLoopback = (host: string): boolean =>
  host === 'localhost' || (isIP(host.replace(/^\[|\]$/g, '')) !== 0 && /^(127\.|::1$|\[::1\]$)/.test(host));

/**
 * Whether a webhook URL is well-formed and of its platform's host and path, without a
 * request. A loopback address passes (a forwarding proxy or a test). `ownerOf` names the
 * channel type whose URL it is instead, for the fix-it line. The URL holds a secret: a
 * finding names its host only.
 */
export function webhookUrlFindings(
  url: string,
  shape: WebhookShape,
  ownerOf: (host: string) => string | null,
): Finding[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [problem(`the URL is not a URL (expected ${shape.what})`, shape.fix)];
  }
  const host = u.hostname.toLowerCase();
  if (isLoopback(host)) return [ok(`URL on this machine (${host}): posts go there; not checked further`)];
  if (u.protocol !== 'https:')
    return [problem(`the URL is ${u.protocol} on ${host}; ${shape.what} is https`, shape.fix)];
  if (!hostMatches(host, shape.hosts)) {
    const owner = ownerOf(host);
    return [
      problem(
        owner
          ? `the URL is on ${host}: a \`${owner}\` channel's, not ${shape.what}`
          : `the URL is on ${host}, not ${shape.what}'s host (${shape.hosts.map((h) => (h.startsWith('.') ? `*${h}` : h)).join(', ')})`,
        owner ? `use type \`${owner}\` for this URL, or ${shape.fix}` : shape.fix,
      ),
    ];
  }
  if (!shape.path.test(u.pathname)) return [problem(`the URL's path is not ${shape.what}'s`, shape.fix)];
  return [ok(`URL is ${shape.what} (${host})`)];
}
