import { escapeEntities } from '../escapeEntities.ts';

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
 * and every marker: the text reads the same and none of it is syntax.
 */
export const escapeChatText = (s: string): string => s.replace(/([<*_~`])/g, '$1\u200B');
