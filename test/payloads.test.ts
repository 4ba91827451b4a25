import test from 'ava';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adaptiveCard, botActivity } from '../src/platforms/teams/card.ts';
import {
  slackPayload,
  SLACK_MAX_BLOCKS,
  SLACK_MAX_SECTION,
  SLACK_MAX_FIELD,
  SLACK_MAX_FIELDS,
} from '../src/platforms/slack/blocks.ts';
import { Renderer } from '../src/render/Renderer.ts';
import { digestChunks } from '../src/render/digestChunks.ts';
import { escapeSlack } from '../src/platforms/slack/escape.ts';
import { escapeTeams, inertTeamsText } from '../src/platforms/teams/escape.ts';
import { escapeCardText, escapeChatText } from '../src/platforms/google-chat/escape.ts';
import { TARGETS } from '../src/platforms/registry.ts';
import { googleChatPayload } from '../src/platforms/google-chat/card.ts';
import { DEFAULT_TEMPLATES } from '../src/render/Renderer.ts';
import type { StoredEvent } from '../src/store/Store.ts';
import { validateCard } from './helpers/cardSchema.ts';

const renderer = Renderer.load(DEFAULT_TEMPLATES, TARGETS);
const event = (i: number, name = `Agent ${i}`): StoredEvent => ({
  id: i,
  dedupKey: String(i),
  receivedAt: 0,
  vccTimestamp: null,
  userId: String(i),
  kinds: ['user.created'],
  old: null,
  new: {
    userId: String(i),
    name,
    username: `agent_${i}`,
    isAgent: true,
    privGroup: 4,
    state: 'active',
    registerTransport: 'sip-tcp',
  },
  changes: [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }],
});
const d = { kinds: ['user.created' as const], show: [] };

const ESCAPE = {
  slack: escapeSlack,
  teams: escapeTeams,
  'teams plain': inertTeamsText,
  'google-chat card': escapeCardText,
  'google-chat text': escapeChatText,
};
const escapes: Array<[string, keyof typeof ESCAPE, string, (s: string) => boolean]> = [
  ['slack channel ping', 'slack', '<!channel>', (s) => s === '&lt;!channel&gt;'],
  ['slack user mention', 'slack', '<@U123>', (s) => !s.includes('<@')],
  ['slack link', 'slack', '<https://evil|click>', (s) => !s.includes('<')],
  ['slack ampersand', 'slack', 'A&B', (s) => s === 'A&amp;B'],
  ['teams at mention', 'teams', '<at>Bob</at>', (s) => !s.includes('<at>')],
  ['teams bold', 'teams', '**boss**', (s) => s === '\\*\\*boss\\*\\*'],
  ['teams link', 'teams', '[x](https://evil)', (s) => s.startsWith('\\[x\\]')],
  ['teams list marker', 'teams', '- item', (s) => s.startsWith('\\-')],
  ['teams plain text at mention', 'teams plain', '<at>Bob</at> **x**', (s) => s === '<\u200Bat>Bob<\u200B/at> **x**'],
  ['google chat card bold tag', 'google-chat card', '<b>boss</b>', (s) => s === '&lt;b&gt;boss&lt;/b&gt;'],
  ['google chat card link', 'google-chat card', '<a href="https://evil">x</a>', (s) => !s.includes('<a')],
  ['google chat text mention all', 'google-chat text', '<users/all>', (s) => !s.includes('<users/')],
  ['google chat text link', 'google-chat text', '<https://evil|click>', (s) => !s.includes('<https')],
  ['google chat text bold', 'google-chat text', '*boss*', (s) => !/\*\w/.test(s)],
];
for (const [name, target, input, ok] of escapes) {
  test(`escape: ${name}`, (t) => {
    const out = ESCAPE[target](input);
    t.true(ok(out), out);
  });
}

test("a Teams bot activity's plain-text summary sends no <at> tag from a name", (t) => {
  const activity = botActivity(renderer.event(event(1, '<at>Everyone</at>'), d, 'teams'));
  t.true(activity.summary.includes('Everyone'), activity.summary);
  t.false(JSON.stringify(activity).includes('<at>'), JSON.stringify(activity.summary));
});

test('cards validate against the Adaptive Card 1.5 schema (single and digest)', (t) => {
  t.false(
    validateCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock' }], notAllowed: 1 }),
    'the validator rejects a bad card',
  );
  const single = adaptiveCard(renderer.event(event(1, '<at>x</at> **y**'), d, 'teams'));
  t.true(validateCard(single), JSON.stringify(validateCard.errors));
  const digest = renderer.digest(
    Array.from({ length: 60 }, (_, i) => ({ event: event(i), delivery: d })),
    'teams',
  );
  const card = adaptiveCard(digest);
  t.true(validateCard(card), JSON.stringify(validateCard.errors));
  t.true(Buffer.byteLength(JSON.stringify(card)) < 28 * 1024);
});

test('a huge digest still fits Slack limits and the card size limit', (t) => {
  const long = 'N'.repeat(5000);
  const m = renderer.digest(
    Array.from({ length: 400 }, (_, i) => ({ event: event(i, `${long}${i}`), delivery: d })),
    'slack',
  );
  const p = slackPayload(m);
  t.true(p.blocks.length <= SLACK_MAX_BLOCKS);
  for (const b of p.blocks as any[]) {
    if (b.text) t.true(b.text.text.length <= SLACK_MAX_SECTION);
    if (b.fields) {
      t.true(b.fields.length <= SLACK_MAX_FIELDS);
      for (const f of b.fields) t.true(f.text.length <= SLACK_MAX_FIELD);
    }
  }
  t.truthy(p.text);
  const tm = renderer.digest(
    Array.from({ length: 400 }, (_, i) => ({ event: event(i, `${long}${i}`), delivery: d })),
    'teams',
  );
  const card = adaptiveCard(tm);
  t.true(Buffer.byteLength(JSON.stringify(card)) <= 28 * 1024);
  t.true(validateCard(card));
});

test('a template file under templates/TARGET/ overrides one kind for that target only', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
  cpSync(DEFAULT_TEMPLATES, dir, { recursive: true });
  mkdirSync(join(dir, 'slack'));
  writeFileSync(
    join(dir, 'slack', 'user.created.yaml'),
    'severity: info\ntitle: "Welcome aboard, {{ user.name }}"\nsummary: "hi"\n',
  );
  const r = Renderer.load(dir, TARGETS);
  t.is(
    r.event(event(1, '<b>'), d, 'slack').title,
    'Welcome aboard, <b>',
    'the message is neutral: the payload builder escapes',
  );
  t.regex(r.event(event(1), d, 'teams').title, /^New agent: Agent 1$/);
  writeFileSync(join(dir, 'slack', 'user.created.yaml'), 'severity: info\ntitle: "{{ user.nme }"\nsummary: "x"\n');
  t.throws(() => Renderer.load(dir, TARGETS), { message: /slack\/user\.created\.yaml: title/ });
});

test('a Google Chat digest of 400 long lines stays within the message size and widget cap, and says what it left out', (t) => {
  const long = 'N'.repeat(3000);
  const m = renderer.digest(
    Array.from({ length: 400 }, (_, i) => ({ event: event(i, `${long}${i}`), delivery: d })),
    'google-chat',
  );
  const body = googleChatPayload(m);
  t.true(Buffer.byteLength(JSON.stringify(body)) <= 32_000);
  const widgets = body.cardsV2![0]!.card!.sections!.flatMap((s) => s.widgets ?? []);
  t.true(widgets.length <= 91, `${widgets.length} widgets`);
  t.regex(widgets[widgets.length - 1]!.textParagraph!.text!, /more lines not shown/);
});

const stateChange = (i: number): { event: StoredEvent; delivery: { kinds: ['user.state_changed']; show: [] } } => ({
  event: {
    ...event(i),
    kinds: ['user.state_changed'],
    old: { ...event(i).new, state: 'active' },
    new: { ...event(i).new, state: 'inactive' },
    changes: [{ kind: 'user.state_changed', field: 'state', before: 'active', after: 'inactive', sensitive: false }],
  },
  delivery: { kinds: ['user.state_changed'], show: [] },
});
const created = (i: number) => ({ event: event(i), delivery: d });
// [name, items, title, summary, lines]
const digests: Array<[string, Array<{ event: StoredEvent; delivery: any }>, string, string, string[]]> = [
  [
    'one kind: the title says it once, no summary, no group line',
    [created(1), created(2)],
    '2 new agents',
    '',
    ['• Agent 1 (agent_1)', '• Agent 2 (agent_2)'],
  ],
  [
    'one kind, one event: singular',
    [stateChange(1)],
    '1 state change',
    '',
    ['• Agent 1 (agent_1): State: active → inactive'],
  ],
  [
    'several kinds: groups with singular and plural labels',
    [created(1), stateChange(2), created(3)],
    '3 VCC user changes',
    '2 new agents, 1 state change',
    [
      'New agents (2):',
      '• Agent 1 (agent_1)',
      '• Agent 3 (agent_3)',
      'State change (1):',
      '• Agent 2 (agent_2): State: active → inactive',
    ],
  ],
];
for (const [name, items, title, summary, lines] of digests) {
  test(`digest wording: ${name}`, (t) => {
    const m = renderer.digest(items, 'slack');
    t.is(m.title, title);
    t.is(m.summary, summary);
    t.deepEqual(m.lines, lines);
    const blocks = slackPayload(m).blocks as any[];
    t.is(blocks.filter((b) => JSON.stringify(b).includes(title)).length, 1, 'the count is said once');
  });
}

// [name, items, per message, chunk sizes]
const splits: Array<[string, number, number, number[]]> = [
  ['fits one message', 60, 100, [60]],
  ['exactly full', 100, 100, [100]],
  ['one over: two halves, never a lone event', 101, 100, [51, 50]],
  ['three messages, as even as they go', 250, 100, [84, 83, 83]],
];
for (const [name, n, per, sizes] of splits) {
  test(`digest split: ${name}`, (t) => {
    const items = Array.from({ length: n }, (_, i) => i);
    const chunks = digestChunks(items, per);
    t.deepEqual(
      chunks.map((c) => c.length),
      sizes,
    );
    t.deepEqual(chunks.flat(), items, 'every item once, in order');
    t.deepEqual(
      digestChunks(
        items.map((i) => ({ event: event(i), delivery: d })),
        per,
      ).map((c) => renderer.digest(c, 'slack').title),
      sizes.map((s) => `${s} new agents`),
    );
  });
}
