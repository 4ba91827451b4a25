import test from 'ava';
import type { Message, MessageAction } from '../src/render/Message.ts';
import { slackChatPayload, slackPayload, SLACK_MAX_ACTIONS } from '../src/platforms/slack/blocks.ts';
import { adaptiveCard, botActivity, TEAMS_MAX_ACTIONS } from '../src/platforms/teams/card.ts';
import { googleChatPayload } from '../src/platforms/google-chat/card.ts';
import { adaptiveCardsProblems, validateCard } from './helpers/cardSchema.ts';

const ACTIONS: MessageAction[] = [
  { kind: 'button', id: 'review.expected', label: 'Expected', style: 'primary', value: 'r-1' },
  { kind: 'button', id: 'review.unexpected', label: 'Not expected', style: 'danger', value: 'r-1' },
  { kind: 'button', id: 'review.later', label: 'Later', style: 'default', value: 'r-1' },
  { kind: 'link', label: 'Open', url: 'https://vcc-notify.example.com/admin/events/1' },
  { kind: 'link', label: 'Not a link', url: 'javascript:alert(1)' },
];

const message = (actions: MessageAction[]): Message => ({
  title: 'rachel_smith became an administrator',
  summary: 'Role changed',
  severity: 'warning',
  facts: [{ label: 'User', value: 'rachel_smith' }],
  lines: ['Role: agent → administrator'],
  fallback: 'rachel_smith became an administrator',
  mentions: [],
  actions,
});

const slackElements = (p: { blocks: any[] }) => p.blocks.find((b) => b.type === 'actions')?.elements ?? [];

test('Slack, as the bot posts it: buttons with their action id, value and style, and the link; a non-http link is left out', (t) => {
  t.deepEqual(slackElements(slackChatPayload('C0OPS', message(ACTIONS))), [
    {
      type: 'button',
      action_id: 'review.expected',
      text: { type: 'plain_text', text: 'Expected', emoji: false },
      value: 'r-1',
      style: 'primary',
    },
    {
      type: 'button',
      action_id: 'review.unexpected',
      text: { type: 'plain_text', text: 'Not expected', emoji: false },
      value: 'r-1',
      style: 'danger',
    },
    {
      type: 'button',
      action_id: 'review.later',
      text: { type: 'plain_text', text: 'Later', emoji: false },
      value: 'r-1',
    },
    {
      type: 'button',
      action_id: 'vcc-link-3',
      text: { type: 'plain_text', text: 'Open', emoji: false },
      url: 'https://vcc-notify.example.com/admin/events/1',
    },
  ]);
});

test('Slack incoming webhook: it cannot receive clicks, so only the link is shown', (t) => {
  t.deepEqual(
    slackElements(slackPayload(message(ACTIONS))).map((e: any) => e.url ?? e.action_id),
    ['https://vcc-notify.example.com/admin/events/1'],
  );
});

test('Slack: at most 25 actions, labels cut to 75 characters, and the blocks stay within 50', (t) => {
  const many: MessageAction[] = Array.from({ length: 40 }, (_, i) => ({
    kind: 'button',
    id: `a${i}`,
    label: 'x'.repeat(100),
    style: 'default',
    value: String(i),
  }));
  const long = { ...message(many), lines: Array.from({ length: 300 }, (_, i) => `line ${i} ${'y'.repeat(2900)}`) };
  const p = slackChatPayload('C0OPS', long);
  t.is(slackElements(p).length, SLACK_MAX_ACTIONS);
  t.is(slackElements(p)[0].text.text.length, 75);
  t.true(p.blocks.length <= 50);
  t.is(p.blocks.at(-1)!.type, 'actions', 'the buttons survive the overflow');
});

test("Teams bot card: buttons are Action.Execute with an Action.Submit fallback carrying the same data, the link an Action.OpenUrl; Microsoft's library and the schema accept it", (t) => {
  const card = botActivity(message(ACTIONS)).attachments[0]!.content as any;
  t.deepEqual(card.actions, [
    {
      type: 'Action.Execute',
      title: 'Expected',
      verb: 'review.expected',
      data: { vccAction: 'review.expected', value: 'r-1' },
      style: 'positive',
      fallback: {
        type: 'Action.Submit',
        title: 'Expected',
        data: { vccAction: 'review.expected', value: 'r-1' },
        style: 'positive',
      },
    },
    {
      type: 'Action.Execute',
      title: 'Not expected',
      verb: 'review.unexpected',
      data: { vccAction: 'review.unexpected', value: 'r-1' },
      style: 'destructive',
      fallback: {
        type: 'Action.Submit',
        title: 'Not expected',
        data: { vccAction: 'review.unexpected', value: 'r-1' },
        style: 'destructive',
      },
    },
    {
      type: 'Action.Execute',
      title: 'Later',
      verb: 'review.later',
      data: { vccAction: 'review.later', value: 'r-1' },
      fallback: {
        type: 'Action.Submit',
        title: 'Later',
        data: { vccAction: 'review.later', value: 'r-1' },
      },
    },
    { type: 'Action.OpenUrl', title: 'Open', url: 'https://vcc-notify.example.com/admin/events/1' },
  ]);
  // Microsoft's library knows Action.Execute, so it keeps no fallback for it when it writes the
  // card again (the fallback is for older clients): each fallback is checked as an action of its own.
  t.deepEqual(
    adaptiveCardsProblems(card).filter((p) => !/^not read back: \$\.actions\[\d\]\.fallback = /.test(p)),
    [],
  );
  for (const a of card.actions.filter((x: any) => x.fallback))
    t.deepEqual(adaptiveCardsProblems({ ...card, actions: [a.fallback] }), [], a.fallback.title);
  t.true(validateCard(card), JSON.stringify(validateCard.errors));
});

test('Teams Workflows card: links only; at most 6 actions on a bot card', (t) => {
  t.deepEqual(
    (adaptiveCard(message(ACTIONS)) as any).actions.map((a: any) => a.type),
    ['Action.OpenUrl'],
  );
  const many = Array.from({ length: 9 }, (_, i): MessageAction => ({
    kind: 'button',
    id: `a${i}`,
    label: `A${i}`,
    style: 'default',
    value: '',
  }));
  t.is((adaptiveCard(message(many), true) as any).actions.length, TEAMS_MAX_ACTIONS);
  t.false('actions' in (adaptiveCard(message([])) as any), 'no actions: no empty list');
});

test('Google Chat (an incoming webhook): the link as a card button, the buttons left out', (t) => {
  const sections = googleChatPayload(message(ACTIONS)).cardsV2![0]!.card!.sections!;
  t.deepEqual(sections.at(-1), {
    widgets: [
      {
        buttonList: {
          buttons: [{ text: 'Open', onClick: { openLink: { url: 'https://vcc-notify.example.com/admin/events/1' } } }],
        },
      },
    ],
  });
  t.false(JSON.stringify(googleChatPayload(message(ACTIONS))).includes('review.'));
});
