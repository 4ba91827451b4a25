import { count } from '../../render/plural.ts';
import { showableUrl, type ButtonStyle, type Message } from '../../render/Message.ts';
import { escapeTeams as esc, inertTeamsText } from './escape.ts';
import { fitLines } from '../fitLines.ts';

/** https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference: Teams renders Adaptive Cards up to 1.5. */
export const CARD_VERSION = '1.5';
/** https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/format-your-bot-messages: a message is at most about 28 KB. */
export const TEAMS_MAX_CARD_BYTES = 28 * 1024 - 1024;

const COLOR = { info: 'Default', notice: 'Accent', warning: 'Warning' } as const;
/** https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format: Teams shows at most 6 actions on a card. */
export const TEAMS_MAX_ACTIONS = 6;
const STYLE = { primary: 'positive', danger: 'destructive' } as const satisfies Record<
  Exclude<ButtonStyle, 'default'>,
  string
>;

/**
 * The message's actions as card actions: a button is an Action.Execute (Universal Actions:
 * its verb is the action id, answered by the bot's invoke) with an Action.Submit fallback for
 * clients without them; only where a bot receives them (`interactive`). Links are Action.OpenUrl.
 */
function cardActions(m: Message, interactive: boolean): object[] {
  const actions: object[] = [];
  for (const a of m.actions ?? []) {
    if (a.kind === 'link' && showableUrl(a.url)) actions.push({ type: 'Action.OpenUrl', title: a.label, url: a.url });
    if (a.kind !== 'button' || !interactive) continue;
    const data = { vccAction: a.id, value: a.value };
    const style = a.style === 'default' ? {} : { style: STYLE[a.style] };
    actions.push({
      type: 'Action.Execute',
      title: a.label,
      verb: a.id,
      data,
      ...style,
      fallback: { type: 'Action.Submit', title: a.label, data, ...style },
    });
  }
  return actions.slice(0, TEAMS_MAX_ACTIONS);
}

/**
 * An Adaptive Card 1.5 for one neutral Message, its strings escaped for Teams markdown here. When
 * the card would pass the size limit, change lines are dropped from the end and counted.
 * `interactive`: a bot posts it (its buttons' clicks reach us); a Workflows webhook shows links only.
 */
export function adaptiveCard(m: Message, interactive = false): object {
  const actions = cardActions(m, interactive);
  const asks = interactive ? m.actions?.find((a) => a.kind === 'button' && a.asks) : undefined;
  const input =
    asks?.kind === 'button' && asks.asks
      ? [{ type: 'Input.Text', id: 'text', label: asks.asks.label, isMultiline: true, maxLength: asks.asks.maxLength }]
      : [];
  // Mentions come from the config only: `<at>name</at>` with its entity is the one unescaped markup.
  const people = m.mentions.filter((x): x is { id: string; name: string } => typeof x === 'object');
  const entities = people.map((p) => ({
    type: 'mention',
    text: `<at>${p.name}</at>`,
    mentioned: { id: p.id, name: p.name },
  }));
  const build = (lines: readonly string[], dropped: number) => ({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    msteams: { width: 'Full', ...(entities.length ? { entities } : {}) },
    body: [
      { type: 'TextBlock', text: esc(m.title), weight: 'Bolder', size: 'Medium', wrap: true, color: COLOR[m.severity] },
      ...(entities.length
        ? [{ type: 'TextBlock', text: entities.map((e) => e.text).join(' '), wrap: true, spacing: 'Small' }]
        : []),
      ...(m.summary ? [{ type: 'TextBlock', text: esc(m.summary), wrap: true, spacing: 'Small' }] : []),
      ...factBlocks(m.facts),
      ...lines.map((l) => ({ type: 'TextBlock', text: esc(l), wrap: true, spacing: 'None' })),
      ...(dropped
        ? [
            {
              type: 'TextBlock',
              text: `…and ${count(dropped, 'more line', 'more lines')} not shown`,
              isSubtle: true,
              wrap: true,
            },
          ]
        : []),
      ...input,
    ],
    ...(actions.length ? { actions } : {}),
  });
  return fitLines(m.lines, TEAMS_MAX_CARD_BYTES, build);
}

/** The Teams Workflows ("When a Teams webhook request is received") message envelope. */
export function workflowEnvelope(card: object): object {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
}

/** The Bot Framework activity a proactive Teams bot send posts: the card and a plain summary. */
export function botActivity(m: Message): {
  type: 'message';
  attachments: Array<{ contentType: string; content: object }>;
  summary: string;
} {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: adaptiveCard(m, true) }],
    summary: inertTeamsText(m.fallback),
  };
}

/** A fact value longer than this with no space in it would run off a FactSet (it does not wrap there). */
const UNBROKEN = 32;

/**
 * The facts: a FactSet, except values a FactSet would cut off (a long run without a space, such
 * as a long username or e-mail), which follow as wrapping TextBlocks `Label: value`.
 */
function factBlocks(facts: Message['facts']): object[] {
  const long = (v: string) => v.split(/\s+/).some((w) => w.length > UNBROKEN);
  const set = facts.filter((f) => !long(f.value));
  const apart = facts.filter((f) => long(f.value));
  return [
    ...(set.length ? [{ type: 'FactSet', facts: set.map((f) => ({ title: esc(f.label), value: esc(f.value) })) }] : []),
    ...apart.map((f) => ({
      type: 'TextBlock',
      text: `${esc(f.label)}: ${esc(f.value)}`,
      wrap: true,
      spacing: 'Small',
    })),
  ];
}
