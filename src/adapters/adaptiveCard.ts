import type { Message } from '../render/Message.ts';

/** https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference: Teams renders Adaptive Cards up to 1.5. */
export const CARD_VERSION = '1.5';
/** https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/format-your-bot-messages: a message is at most about 28 KB. */
export const TEAMS_MAX_CARD_BYTES = 28 * 1024 - 1024;

const COLOR = { info: 'Default', notice: 'Accent', warning: 'Warning' } as const;

/**
 * An Adaptive Card 1.5 for one Message (strings already escaped for Teams markdown). When
 * the card would pass the size limit, change lines are dropped from the end and counted.
 */
export function adaptiveCard(m: Message): object {
  const build = (lines: string[], dropped: number) => ({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: m.title, weight: 'Bolder', size: 'Medium', wrap: true, color: COLOR[m.severity] },
      { type: 'TextBlock', text: m.summary, wrap: true, spacing: 'Small' },
      ...(m.facts.length ? [{ type: 'FactSet', facts: m.facts.map((f) => ({ title: f.label, value: f.value })) }] : []),
      ...lines.map((l) => ({ type: 'TextBlock', text: l, wrap: true, spacing: 'None' })),
      ...(dropped ? [{ type: 'TextBlock', text: `…and ${dropped} more lines not shown`, isSubtle: true, wrap: true }] : []),
    ],
  });
  let lines = m.lines;
  let card = build(lines, 0);
  while (Buffer.byteLength(JSON.stringify(card)) > TEAMS_MAX_CARD_BYTES && lines.length > 0) {
    lines = lines.slice(0, Math.floor(lines.length * 0.9));
    card = build(lines, m.lines.length - lines.length);
  }
  return card;
}

/** The Teams Workflows ("When a Teams webhook request is received") message envelope. */
export function workflowEnvelope(card: object): object {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** The Bot Framework activity a proactive Teams bot send posts: the card and a plain summary. */
export function botActivity(m: Message): { type: 'message'; attachments: Array<{ contentType: string; content: object }>; summary: string } {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: adaptiveCard(m) }], summary: m.fallback };
}
