import { PAIRED_MARKERS, pairedMarkers, replaceChars } from '../pairedMarkup.ts';

/**
 * Plain text for Teams (an activity's `summary`, shown in notifications): not markdown, so
 * nothing is backslash-escaped, but `<` is followed by a zero-width space so no `<at>` tag or
 * other markup from a name is sent as markup.
 */
export const inertTeamsText = (s: string): string => s.replace(/</g, '<\u200B');

/**
 * Escapes text for an Adaptive Card TextBlock (Teams markdown,
 * https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/text-features) so that it
 * reads as typed: only what would otherwise become markup is backslash-escaped, because hosts
 * that show text without markdown processing (Microsoft's own renderer, Teams mobile clients:
 * microsoft/AdaptiveCards#5590) show the backslashes. So `rachel_smith`, `o'brien` and `a*b`
 * go as typed, while paired `*`, `_`, `~`, backticks, brackets of a link, a list or heading
 * marker at the start, a backslash before punctuation and an entity stay inert, and `<` is
 * broken up as in inertTeamsText so `<at>` from a name is no mention.
 */
export function escapeTeams(s: string): string {
  const bs = (c: string) => `\\${c}`;
  let out = s.replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\').replace(/&(?=#?\w+;)/g, '\\&');
  out = replaceChars(out, pairedMarkers(s, PAIRED_MARKERS), bs);
  if (out.includes('[') && out.includes(']')) out = replaceChars(out, ['[', ']'], bs);
  out = out.replace(
    /^(\s*)(?:([-+*>])(?=\s|$)|(#{1,6})(?=\s|$)|(\d{1,9})([.)])(?=\s|$))/gm,
    (_m, ws: string, mark?: string, hashes?: string, digits?: string, dot?: string) =>
      `${ws}${mark ? bs(mark) : hashes ? bs(hashes) : `${digits}${bs(dot!)}`}`,
  );
  return inertTeamsText(out);
}
