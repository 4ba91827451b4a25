import { sanitizeLine } from './sanitize.ts';

/** Where a rendered message goes; decides how values are escaped. */
export type Target = 'slack' | 'teams' | 'console';

/**
 * Escapes one webhook-supplied value for its target, so it shows as written and does
 * nothing else:
 * - slack (mrkdwn): `&`, `<`, `>` become entities, so `<!channel>` or `<@U123>` ping nobody
 *   (https://api.slack.com/reference/surfaces/formatting#escaping).
 * - teams (Adaptive Card TextBlock markdown): markdown punctuation is backslash-escaped and
 *   `<` is followed by a zero-width space, so `<at>` tags and `**bold**` render as text.
 * - console: unchanged (the console channel writes JSON, which escapes what is left).
 * Every value is first made one visible line by sanitizeLine (no forged lines, no bidi tricks).
 */
export function escapeFor(target: Target, value: string): string {
  const clean = sanitizeLine(value);
  switch (target) {
    case 'slack':
      return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    case 'teams':
      return clean
        .replace(/([\\`*_[\]~#])/g, '\\$1')
        .replace(/^(\s*)([-+]\s|\d+\.\s)/, (_m, ws: string, mark: string) => `${ws}\\${mark}`)
        .replace(/</g, '<\u200B');
    case 'console':
      return clean;
  }
}
