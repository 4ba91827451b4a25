/** Where a rendered message goes; decides how values are escaped. */
export type Target = 'slack' | 'teams' | 'console';

/**
 * Escapes one webhook-supplied value for its target, so it shows as written and does
 * nothing else:
 * - slack (mrkdwn): `&`, `<`, `>` become entities, so `<!channel>` or `<@U123>` ping nobody
 *   (https://api.slack.com/reference/surfaces/formatting#escaping).
 * - teams (Adaptive Card TextBlock markdown): markdown punctuation is backslash-escaped and
 *   `<` is followed by a zero-width space, so `<at>` tags and `**bold**` render as text.
 * - console: unchanged, but control characters are replaced (no terminal escapes).
 */
export function escapeFor(target: Target, value: string): string {
  const clean = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\uFFFD');
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
