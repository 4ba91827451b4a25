import test from 'ava';
import { FakeSlack } from './fakes/slack.ts';
import { command, start } from './helpers/slackChat.ts';
import { cleanup, tempDir } from './helpers/service.ts';
import { EXAMPLE, helpText, parseCommand } from '../src/chat/grammar.ts';
import { PAGE_LINES } from '../src/chat/runCommand.ts';

import { allDocs } from './helpers/docs.ts';

/** README.md and every guide in docs/: where the examples people copy are. */
const README = allDocs();

/** Every `/vcc ...` the README shows: lines of code blocks (less their comment) and inline code. */
function readmeSlackExamples(): string[] {
  const block = [...README.matchAll(/^\/vcc (.+?)(?:\s{2,}\(.*\))?$/gm)].map((m) => m[1]!.trim());
  const inline = [...README.matchAll(/`\/vcc ([^`]+)`/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());
  return [...new Set([...block, ...inline])];
}

/** The Teams examples (`@vcc-notify subscribe ...`), the same grammar after the bot's mention. */
const readmeTeamsExamples = () =>
  [...README.matchAll(/`@vcc-notify ([^`]+)`/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());

/** The help text's example and each where term it shows, as commands. */
function helpExamples(): string[] {
  const terms = /where terms: (.+)$/m
    .exec(helpText(null))![1]!
    .split(' · ')
    .map((t) => t.replace(/ \([^)]*\)$/, ''));
  return [EXAMPLE, ...terms.map((t) => `subscribe where ${t}`)];
}

/** What Slack sends for typed @names when the command escapes users and channels. */
const asSlackSends = (text: string) =>
  text.replace(/@supervisors\b/g, '<!subteam^S0SUPER|@supervisors>').replace(/@dana\b/g, '<@U0DANA|dana>');

test('the README shows the commands this test runs', (t) => {
  t.true(readmeSlackExamples().length >= 8, readmeSlackExamples().join('\n'));
  t.true(readmeSlackExamples().includes('subscribe role where privGroup=1 mention @supervisors'));
  t.true(readmeTeamsExamples().length >= 2);
});

test('every /vcc example in the README and in help runs in Slack and is not refused', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  // The intervals the README's `/vcc hours` examples name.
  const interval = '\n    - weekdays: [saturday, sunday]';
  const config = `time_intervals:\n  nights:${interval}\n  weekend:${interval}\n  office:${interval}\nchannels:\n  ops: { type: slack, channel: C0FILE }\n`;
  const svc = await start(dir, slack, {}, { config });
  try {
    for (const ex of [...readmeSlackExamples(), ...helpExamples()]) {
      const res = await command(svc, slack, asSlackSends(ex));
      t.is(res.status, 200, ex);
      t.notRegex(String(res.json.text), /Nothing was changed|Not changed|cannot read|unknown/i, `/vcc ${ex}`);
    }
    const subs = await svc.store.listSubscriptions();
    t.true(
      subs.some((s) => s.where.some((w) => w.field === 'privGroup' && w.values.join() === '1')),
      'privGroup=1 was saved',
    );
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});

test('every Teams example in the README parses with the shared grammar', (t) => {
  for (const ex of readmeTeamsExamples()) t.not(parseCommand(ex.replace(/ mention .*$/, '')).action, 'error', ex);
});

const plainValues: Array<[string, string]> = [
  ['a number', 'subscribe role where privGroup=1'],
  ['a word', 'subscribe where username=admin'],
  ['an enum value', 'subscribe state where state=inactive'],
  ['none of one value', 'subscribe where username!=admin'],
];
for (const [name, text] of plainValues) {
  test(`a where term with one plain value is accepted: ${name}`, (t) => {
    const cmd = parseCommand(text);
    t.is(cmd.action, 'subscribe', JSON.stringify(cmd));
  });
}

test('a channel holds at most CHAT_MAX_SUBSCRIPTIONS; replies are paged and stay short', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const svc = await start(dir, slack, { CHAT_MAX_SUBSCRIPTIONS: '45' });
  try {
    const long = 'x'.repeat(1_500);
    for (let i = 0; i < 45; i++) {
      const r = await command(svc, slack, `subscribe where username=u${i}${long}`);
      t.regex(String(r.json.text), /^Subscribed\./, `subscription ${i}`);
      t.true(String(r.json.text).length < 6_000, `reply ${i} is ${String(r.json.text).length} characters`);
    }
    const over = await command(svc, slack, 'subscribe where username=one-too-many');
    t.regex(String(over.json.text), /^Not changed: this channel already has 45 subscriptions/);
    t.is(String(over.json.text).split('\n').length, 1);
    const widen = await command(svc, slack, 'subscribe created where username=u0' + long);
    t.regex(String(widen.json.text), /^Subscribed\./, 'widening an existing one is still allowed');
    t.is((await svc.store.listSubscriptions()).length, 45);

    const first = String((await command(svc, slack, 'list')).json.text);
    t.is(first.split('\n').filter((l) => l.startsWith('•')).length, PAGE_LINES);
    t.regex(first, /page 1 of 3, 45 in all: `list 2` shows more/);
    const last = String((await command(svc, slack, 'list 3')).json.text);
    t.is(last.split('\n').filter((l) => l.startsWith('•')).length, 5);
    t.regex(String((await command(svc, slack, 'list two')).json.text), /list takes a page number/);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});
