import type { Mention } from '../../routing/route.ts';

/**
 * The mentions typed after `mention` in `/vcc subscribe`, as Slack sends them when the command
 * escapes users and channels (`<!subteam^S0123|@group>`, `<@U0123|name>`, `<!here>`), or as
 * ids and `here` / `channel` typed plainly. Anything else is refused with how to fix it.
 */
export function readSlackMentions(text: string): Mention[] | string {
  const out: string[] = [];
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const m = /^<!subteam\^(S[A-Z0-9]{2,20})(?:\|[^>]*)?>$/.exec(token) ?? /^<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>$/.exec(token)
      ?? /^<!(here|channel)(?:\|[^>]*)?>$/.exec(token) ?? /^@?(here|channel)$/.exec(token) ?? /^([UWS][A-Z0-9]{2,20})$/.exec(token);
    if (!m) {
      return `cannot read the mention "${token.slice(0, 40)}": turn on "Escape channels, users, and links" for the /vcc command so Slack sends @names as ids, or type the user group id (S0123ABCD), a user id (U0123ABCD), here or channel`;
    }
    if (!out.includes(m[1]!)) out.push(m[1]!);
  }
  return out.length > 20 ? 'at most 20 mentions' : out;
}
