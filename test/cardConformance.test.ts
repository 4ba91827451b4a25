import test from 'ava';
import { adaptiveCard, botActivity, workflowEnvelope } from '../src/platforms/teams/card.ts';
import { EVENT_KINDS } from '../src/vcc/changes.ts';
import { adaptiveCardsProblems, validateCard } from './helpers/cardSchema.ts';
import { teamsCardMessages } from './helpers/cardCases.ts';

const cases = teamsCardMessages();

test('the cases cover every event kind, labels, a mention, a digest, the overflow and the longest names', (t) => {
  t.deepEqual(
    EVENT_KINDS.filter((k) => !cases.some((c) => c.kinds.includes(k))),
    [],
  );
  const text = (name: string) => JSON.stringify(cases.find((c) => c.name === name)!.message);
  t.true(text('role-changed').includes('Supervisor'), 'a label');
  t.true(text('updated-lists').includes('Technical'), 'a label of a list item');
  t.true(text('size-overflow').length > 28 * 1024, 'the overflow case is larger than a card may be');
  t.false(JSON.stringify(cases).includes('hunter2'), 'no password');
});

for (const { name, message } of cases) {
  test(`Teams card "${name}": Microsoft's adaptivecards reads it without an error, a warning or a dropped property, and the schema holds`, (t) => {
    const card = adaptiveCard(message);
    t.deepEqual(adaptiveCardsProblems(card), []);
    t.true(validateCard(card), JSON.stringify(validateCard.errors));
    // What the bot and a workflow post carry the same card.
    t.deepEqual(botActivity(message).attachments[0]!.content, card);
    t.deepEqual((workflowEnvelope(card) as any).attachments[0].content, card);
  });
}

const broken: Array<[string, (card: any) => void, RegExp]> = [
  ['an unknown property', (c) => (c.body[0].bogus = true), /not read back: \$\.body\[0\]\.bogus/],
  ['a wrong type', (c) => (c.body[0].wrap = 'yes'), /not read back: \$\.body\[0\]\.wrap = "yes"/],
  [
    'a value out of its enum',
    (c) => (c.body[0].weight = 'Heavy'),
    /parse: Invalid value "Heavy" for property "weight"/,
  ],
  ['an unknown element', (c) => c.body.push({ type: 'Bogus' }), /parse: Unknown element type "Bogus"/],
  ['an unsupported version', (c) => (c.version = '9.9'), /validate: The specified card version \(9\.9\)/],
];
for (const [what, breakIt, expected] of broken) {
  test(`the conformance check fails on ${what}`, (t) => {
    const card = structuredClone(adaptiveCard(cases[0]!.message)) as any;
    breakIt(card);
    t.regex(adaptiveCardsProblems(card).join('\n'), expected);
  });
}

test('a long username or e-mail is never cut off: it leaves the FactSet (which does not wrap) for a wrapping line', (t) => {
  const longest = teamsCardMessages().find((c) => c.name === 'longest-names')!;
  const card = adaptiveCard(longest.message) as { body: Array<Record<string, any>> };
  const username = longest.message.facts.find((f) => f.label === 'Username')!.value;
  t.true(username.length > 60);
  const set = card.body.find((b) => b.type === 'FactSet');
  t.false(JSON.stringify(set ?? {}).includes(username), 'not in the FactSet');
  const line = card.body.find((b) => b.type === 'TextBlock' && String(b.text).startsWith('Username: '));
  t.like(line, { wrap: true });
  t.true(String(line!.text).includes(username));
  t.truthy(
    set?.facts.find((f: { title: string }) => f.title === 'Role'),
    'short facts stay in the FactSet',
  );
});
