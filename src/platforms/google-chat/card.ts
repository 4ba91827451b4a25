import type { chat_v1 } from '@googleapis/chat';
import { count } from '../../render/plural.ts';
import { showableUrl, type Message } from '../../render/Message.ts';
import { escapeCardText, escapeChatText } from './escape.ts';
import { fitLines } from '../fitLines.ts';

/** A message (text and cards) is at most 32,000 bytes (https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages). */
export const GOOGLE_CHAT_MAX_BYTES = 32_000 - 2_000;
/** Card header title and subtitle: kept short, as Chat truncates them on one line. */
const MAX_HEADER = 200;

/** Change lines per card: a conservative cap on widgets in one card; the rest are counted. */
const MAX_LINES = 90;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The body posted to a Google Chat incoming webhook for one neutral Message: a `cardsV2` card
 * (header naming the user, a section of facts as decoratedText, a section of change lines as
 * textParagraph) and a plain `text` fallback. Escaped here for card HTML and for text syntax.
 * Change lines are dropped from the end (and counted) if the body would pass the size limit.
 * Typed by Google's own `chat_v1.Schema$Message` (@googleapis/chat, types only), so a field
 * Chat does not know fails `npm run typecheck`.
 */
export function googleChatPayload(m: Message): chat_v1.Schema$Message {
  const build = (lines: readonly string[], dropped: number): chat_v1.Schema$Message => {
    const sections: chat_v1.Schema$GoogleAppsCardV1Section[] = [];
    if (m.facts.length > 0) {
      sections.push({
        widgets: m.facts.map((f) => ({
          decoratedText: { topLabel: escapeCardText(f.label), text: escapeCardText(f.value), wrapText: true },
        })),
      });
    }
    const paragraphs = [
      ...lines.map(escapeCardText),
      ...(dropped ? [`<i>…and ${count(dropped, 'more line', 'more lines')} not shown</i>`] : []),
    ];
    if (paragraphs.length > 0) sections.push({ widgets: paragraphs.map((text) => ({ textParagraph: { text } })) });
    if (sections.length === 0) sections.push({ widgets: [{ textParagraph: { text: escapeCardText(m.summary) } }] });
    // An incoming webhook's card cannot call us back: its buttons are links only.
    const links = (m.actions ?? []).flatMap((a) => (a.kind === 'link' && showableUrl(a.url) ? [a] : []));
    if (links.length > 0)
      sections.push({
        widgets: [
          {
            buttonList: {
              buttons: links.map((l) => ({ text: cut(l.label, MAX_HEADER), onClick: { openLink: { url: l.url } } })),
            },
          },
        ],
      });
    return {
      text: escapeChatText(m.fallback),
      cardsV2: [
        {
          cardId: 'vcc-notify',
          // Header fields are plain text (no HTML), so they are not entity-escaped.
          card: {
            header: { title: cut(m.title, MAX_HEADER), ...(m.summary ? { subtitle: cut(m.summary, MAX_HEADER) } : {}) },
            sections,
          },
        },
      ],
    };
  };
  const capped = m.lines.slice(0, MAX_LINES);
  return fitLines(capped, GOOGLE_CHAT_MAX_BYTES, (kept, dropped) =>
    build(kept, dropped + m.lines.length - capped.length),
  );
}
