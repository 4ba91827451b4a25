/**
 * Plain text for Teams (an activity's `summary`, shown in notifications): not markdown, so
 * nothing is backslash-escaped, but `<` is followed by a zero-width space so no `<at>` tag or
 * other markup from a name is sent as markup.
 */
export const inertTeamsText = (s: string): string => s.replace(/</g, '<\u200B');

/**
 * Escapes text for an Adaptive Card TextBlock (Teams markdown): markdown punctuation is
 * backslash-escaped, a list marker at the start is too, and `<` is broken up as in
 * inertTeamsText, so `<at>` tags and `**bold**` from a name render as text
 * (https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/text-features).
 */
export const escapeTeams = (s: string): string =>
  inertTeamsText(
    s
      .replace(/([\\`*_[\]~#])/g, '\\$1')
      .replace(/^(\s*)([-+]\s|\d+\.\s)/, (_m, ws: string, mark: string) => `${ws}\\${mark}`),
  );
