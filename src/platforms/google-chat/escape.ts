import { escapeEntities } from '../escapeEntities.ts';
import { PAIRED_MARKERS, pairedMarkers, replaceChars } from '../pairedMarkup.ts';

/**
 * Card text (decoratedText, textParagraph) is a subset of HTML (`<b>`, `<a href>`, `<font>`,
 * `<br>`: https://developers.google.com/workspace/chat/format-messages#format-card-text):
 * `&`, `<`, `>` become entities, so a name shows its tags instead of applying them.
 */
export const escapeCardText = escapeEntities;

/**
 * A message's `text` uses Chat's own syntax (https://developers.google.com/workspace/chat/format-messages):
 * `<users/all>` and `<users/ID>` mention, `<https://x|label>` links, `*bold*`, `_italic_`,
 * `~strike~`, backquotes. It has no escape character, so a zero-width space follows every `<`
 * and every marker that could pair: the text reads the same and none of it is syntax, and a
 * lone marker (`rachel_smith`, `a*b`) goes as typed.
 */
export const escapeChatText = (s: string): string =>
  replaceChars(s.replace(/</g, '<\u200B'), pairedMarkers(s, PAIRED_MARKERS), (c) => `${c}\u200B`);
