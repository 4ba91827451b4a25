import { escapeEntities } from '../escapeEntities.ts';
import { PAIRED_MARKERS, pairedMarkers, replaceChars } from '../pairedMarkup.ts';

/**
 * Escapes text for Slack mrkdwn: `&`, `<`, `>` become entities, so a name like `<!channel>`
 * or `<@U123>` pings nobody and `<https://x|y>` links nowhere
 * (https://api.slack.com/reference/surfaces/formatting#escaping). mrkdwn has no escape for
 * `*bold*`, `_italic_`, `~strike~` or code, so where a marker could pair a zero-width space
 * follows each of it; a lone one (`rachel_smith`, `a*b`) goes as typed.
 */
export const escapeSlack = (s: string): string =>
  replaceChars(escapeEntities(s), pairedMarkers(s, PAIRED_MARKERS), (c) => `${c}\u200B`);
