/**
 * Escapes text for an Adaptive Card TextBlock (Teams markdown): markdown punctuation is
 * backslash-escaped, a list marker at the start is too, and `<` is followed by a zero-width
 * space, so `<at>` tags and `**bold**` from a name render as text
 * (https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/text-features).
 */
export const escapeTeams = (s: string): string => s
  .replace(/([\\`*_[\]~#])/g, '\\$1')
  .replace(/^(\s*)([-+]\s|\d+\.\s)/, (_m, ws: string, mark: string) => `${ws}\\${mark}`)
  .replace(/</g, '<\u200B');
