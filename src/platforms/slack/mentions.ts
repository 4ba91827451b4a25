import type { Mention } from '../../routing/route.ts';

/** Chat-made Slack channels are `slack:CHANNELID`. */
export const SLACK_PREFIX = 'slack';

/** How a mention is written after `mention` in `/vcc subscribe`. */
export const SLACK_MENTION_HELP = '@group @person here or channel (Slack user groups or people)';

/** A Slack mention as the config and this reader take it: a user id, a user group id, here or channel. */
export const SLACK_MENTION = /^(?:[UW][A-Z0-9]{2,20}|S[A-Z0-9]{2,20}|here|channel)$/;

/**
 * The mentions typed after `mention` in `/vcc subscribe`, as Slack sends them when the command
 * escapes users and channels (`<!subteam^S0123|@group>`, `<@U0123|name>`, `<!here>`), or as
 * ids and `here` / `channel` typed plainly. Anything else is refused with how to fix it.
 */
export function readSlackMentions(text: string): Mention[] | string {
  const out: string[] = [];
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const m = bareMention(token);
    if (m === null) {
      return `cannot read the mention "${token.slice(0, 40)}": turn on "Escape channels, users, and links" for the /vcc command so Slack sends @names as ids, or type the user group id (S0123ABCD), a user id (U0123ABCD), here or channel`;
    }
    if (!out.includes(m)) out.push(m);
  }
  return out.length > 20 ? 'at most 20 mentions' : out;
}

/** One typed token as a mention in the config's terms, or null: the escaped forms unwrapped, ids and here/channel as typed. */
function bareMention(token: string): string | null {
  const escaped =
    /^<!subteam\^(S[A-Z0-9]{2,20})(?:\|[^>]*)?>$/.exec(token) ??
    /^<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>$/.exec(token) ??
    /^<!(here|channel)(?:\|[^>]*)?>$/.exec(token) ??
    /^@(here|channel)$/.exec(token);
  return escaped ? escaped[1]! : SLACK_MENTION.test(token) ? token : null;
}
