import test from 'ava';
import MarkdownIt from 'markdown-it';
import { escapeTeams } from '../src/platforms/teams/escape.ts';
import { escapeSlack } from '../src/platforms/slack/escape.ts';
import { escapeCardText, escapeChatText } from '../src/platforms/google-chat/escape.ts';
import { adaptiveCard } from '../src/platforms/teams/card.ts';
import { slackPayload } from '../src/platforms/slack/blocks.ts';
import { googleChatPayload } from '../src/platforms/google-chat/card.ts';
import { DEFAULT_TEMPLATES, Renderer } from '../src/render/Renderer.ts';
import { TARGETS } from '../src/platforms/registry.ts';
import type { StoredEvent } from '../src/store/Store.ts';
import { NAMES } from './helpers/names.ts';

// CommonMark (markdown-it in its CommonMark preset), as a host that processes card markdown does.
const md = new MarkdownIt('commonmark');
const ZWSP = /\u200B/g;
// Slack's markers open after a start, space or punctuation and close before one (snake_case_names stay as typed).
const SLACK_PAIR = /(?:^|[^\p{L}\p{N}])([*_~`])(?=[^\s\u200B])[^\n]*?[^\s\u200B]\1(?![\p{L}\p{N}])/u;
const decode = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

test('the checks see markup when a name goes unescaped', (t) => {
  for (const raw of ['Rachel *Smith*', '_x_', '[x](https://e.example)', '- list', '1. list', '# head'])
    t.regex(md.render(raw), /<(em|a|ul|ol|h1)\b/, raw);
  for (const raw of ['Rachel *Smith*', '_x_', '~x~', '`x`']) t.true(SLACK_PAIR.test(raw), raw);
  t.false(SLACK_PAIR.test('rachel_smith_jr'));
});

for (const { name, plain } of NAMES) {
  test(`Teams: ${JSON.stringify(name)} ${plain ? 'goes as typed' : 'reads as typed through CommonMark, no markup'}`, (t) => {
    const text = escapeTeams(name);
    if (plain) t.is(text, name, 'no markdown processing: the text itself');
    const html = md.render(text).trim();
    t.regex(html, /^<p>[\s\S]*<\/p>$/, html);
    t.notRegex(html.slice(3, -4), /<[a-z/]/i, `only a paragraph: ${html}`);
    t.is(decode(html.slice(3, -4)).replace(ZWSP, ''), name, html);
  });

  test(`Slack: ${JSON.stringify(name)} reads as typed, no mrkdwn markup`, (t) => {
    const text = escapeSlack(name);
    if (plain) t.is(text, name);
    t.false(/[<>]/.test(text), 'no mention, link or tag');
    // mrkdwn formats *x*, _x_, ~x~ and `x` when each marker touches the text: a zero-width space after it breaks the pair.
    t.false(SLACK_PAIR.test(text), text);
    t.is(decode(text).replace(ZWSP, ''), name);
  });

  test(`Google Chat: ${JSON.stringify(name)} reads as typed in the card and the text`, (t) => {
    const card = escapeCardText(name);
    const text = escapeChatText(name);
    if (plain) t.is(text, name, 'text: as typed');
    if (plain || !/[&<>]/.test(name)) t.is(card, name, 'card: as typed');
    t.false(card.includes('<'), 'card: no tag');
    t.false(/<[^\u200B]/.test(text), 'text: no mention or link');
    t.is(decode(card), name);
    t.is(text.replace(ZWSP, ''), name);
  });
}

const renderer = Renderer.load(DEFAULT_TEMPLATES, TARGETS);
const event = (name: string, username: string, old: object | null = null, nu: object = {}): StoredEvent => ({
  id: 1,
  dedupKey: '1',
  receivedAt: 0,
  vccTimestamp: null,
  userId: '7',
  kinds: ['user.created'],
  old: null,
  new: { userId: '7', name, username, isAgent: true, privGroup: 4, state: 'active', ...nu },
  changes: [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }],
  ...(old ? { old } : {}),
});

test('a username with a lone underscore is in the Teams card, the Slack blocks and the Google Chat card exactly as typed', (t) => {
  const d = { kinds: ['user.created' as const], show: [] };
  const e = event('Rachel Smith', 'rachel_smith');
  const card = JSON.stringify(adaptiveCard(renderer.event(e, d, 'teams')));
  t.true(card.includes('"rachel_smith"'), card);
  t.false(card.includes('\\\\_'), 'no backslash before the underscore');
  t.true(JSON.stringify(slackPayload(renderer.event(e, d, 'slack'))).includes('rachel_smith'));
  t.true(JSON.stringify(googleChatPayload(renderer.event(e, d, 'google-chat'))).includes('rachel_smith'));
});

test('a list read as a list: (none) → technical, not JSON', (t) => {
  const e: StoredEvent = {
    ...event('Rachel Smith', 'rachel_smith'),
    kinds: ['user.updated'],
    old: { userId: '7', messageLists: [] } as StoredEvent['new'],
    new: { userId: '7', name: 'Rachel Smith', messageLists: ['technical'] } as StoredEvent['new'],
    changes: [{ kind: 'user.updated', field: 'messageLists', before: [], after: ['technical'], sensitive: false }],
  };
  const m = renderer.event(e, { kinds: ['user.updated'], show: [] }, 'teams');
  t.deepEqual(m.lines, ['Message lists: (none) → technical']);
  t.true(JSON.stringify(adaptiveCard(m)).includes('(none) → technical'));
});
