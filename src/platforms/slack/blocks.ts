import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { ChatPostMessageArguments } from '@slack/web-api';
import { count } from '../../render/plural.ts';
import { showableUrl, type Message } from '../../render/Message.ts';
import { escapeSlack as esc } from './escape.ts';

/** https://api.slack.com/reference/block-kit/blocks: at most 50 blocks in a message. */
export const SLACK_MAX_BLOCKS = 50;
/** https://api.slack.com/reference/block-kit/blocks#section: section text at most 3000 characters. */
export const SLACK_MAX_SECTION = 3000;
/** https://api.slack.com/reference/block-kit/blocks#section: at most 10 fields of 2000 characters. */
export const SLACK_MAX_FIELDS = 10;
export const SLACK_MAX_FIELD = 2000;
/** https://api.slack.com/reference/block-kit/blocks#header: header text at most 150 characters. */
export const SLACK_MAX_HEADER = 150;
/** https://api.slack.com/methods/chat.postMessage#truncating: keep `text` well under 40,000. */
export const SLACK_MAX_TEXT = 3000;

/** https://api.slack.com/reference/block-kit/blocks#actions: at most 25 elements in an actions block. */
export const SLACK_MAX_ACTIONS = 25;
/** https://api.slack.com/reference/block-kit/block-elements#button: text 75 characters, value 2000, url 3000. */
export const SLACK_MAX_BUTTON_TEXT = 75;
/** Link buttons' action ids start with this: Slack reports their clicks too, and we only acknowledge them. */
export const SLACK_LINK_ACTION = 'vcc-link-';

const ICON = { info: ':information_source:', notice: ':large_blue_circle:', warning: ':warning:' } as const;

/** A configured mention as Slack's markup: `<@U…>`, `<!subteam^S…>`, `<!here>`, `<!channel>`. */
export function slackMention(m: string): string {
  return m === 'here' || m === 'channel' ? `<!${m}>` : m.startsWith('S') ? `<!subteam^${m}>` : `<@${m}>`;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Block Kit for one neutral Message. The title is a header block (plain_text, emoji codes not
 * expanded), so no name can make it bold, strike it or ping anyone; every other string is
 * escaped for mrkdwn here. Change lines are
 * packed into sections of at most 3000 characters; when the blocks would pass 50, the
 * rest is summarized in a last context block, so Slack never rejects the payload. Typed by
 * Slack's own Block Kit types (@slack/types), so a field Slack does not know fails typecheck.
 */
export function slackPayload(m: Message, interactive = false): { text: string; blocks: KnownBlock[] } {
  const buttons = slackButtons(m, interactive);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(m.title, SLACK_MAX_HEADER) || ' ', emoji: false } },
  ];
  // Mentions come from the config only (validated ids), so they are the one unescaped markup.
  const mentions = m.mentions
    .filter((x): x is string => typeof x === 'string')
    .map(slackMention)
    .join(' ');
  if (mentions) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mentions } });
  // A digest of one kind has no summary: its title says it all.
  if (m.summary !== '')
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: cut(`${ICON[m.severity]} ${esc(m.summary)}`, SLACK_MAX_SECTION) },
    });
  if (m.facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: m.facts
        .slice(0, SLACK_MAX_FIELDS)
        .map((f) => ({ type: 'mrkdwn', text: cut(`*${esc(f.label)}*\n${esc(f.value)}`, SLACK_MAX_FIELD) })),
    });
  }
  const sections: string[] = [];
  for (const line of m.lines.map((l) => cut(esc(l), SLACK_MAX_SECTION))) {
    const last = sections[sections.length - 1];
    if (last !== undefined && last.length + 1 + line.length <= SLACK_MAX_SECTION)
      sections[sections.length - 1] = `${last}\n${line}`;
    else sections.push(line);
  }
  const room = SLACK_MAX_BLOCKS - blocks.length - 1 - (buttons ? 1 : 0);
  sections.slice(0, room).forEach((text) => blocks.push({ type: 'section', text: { type: 'mrkdwn', text } }));
  if (sections.length > room) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `…and ${count(sections.length - room, 'more section', 'more sections')} not shown` },
      ],
    });
  }
  if (buttons) blocks.push(buttons);
  return { text: cut(`${mentions ? `${mentions} ` : ''}${esc(m.fallback)}`, SLACK_MAX_TEXT), blocks };
}

/**
 * The message's actions as one actions block (null: none to show): buttons only where the
 * app receives their clicks (`interactive`: the bot, not an incoming webhook), links always.
 */
function slackButtons(m: Message, interactive: boolean): ActionsBlock | null {
  const elements: Button[] = [];
  for (const [i, a] of (m.actions ?? []).entries()) {
    const text = { type: 'plain_text' as const, text: cut(a.label, SLACK_MAX_BUTTON_TEXT) || ' ', emoji: false };
    if (a.kind === 'link' && showableUrl(a.url))
      elements.push({ type: 'button', action_id: `${SLACK_LINK_ACTION}${i}`, text, url: a.url });
    if (a.kind === 'button' && interactive)
      elements.push({
        type: 'button',
        action_id: a.id,
        text,
        value: a.value,
        ...(a.style === 'default' ? {} : { style: a.style }),
      });
  }
  return elements.length ? { type: 'actions', elements: elements.slice(0, SLACK_MAX_ACTIONS) } : null;
}

/** The chat.postMessage arguments for one Message (@slack/web-api's own type): what the adapter posts and `render` prints. */
export function slackChatPayload(channel: string, m: Message) {
  return {
    channel,
    ...slackPayload(m, true),
    unfurl_links: false,
    unfurl_media: false,
  } satisfies ChatPostMessageArguments;
}
