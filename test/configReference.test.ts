import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configReference } from '../src/config/configReference.ts';
import { ENV_NAMES } from '../src/config/settings.ts';
import { anchorOf, referenceFor, withReferences } from '../src/config/referenceLinks.ts';

const REFERENCE = new URL('../docs/configuration-reference.md', import.meta.url);
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

test('docs/configuration-reference.md is what `npm run docs:config` writes from the code now (run it after a change)', (t) => {
  t.is(readFileSync(REFERENCE, 'utf8'), `${configReference()}\n`);
});

test('the reference names every variable the settings loader and the platforms read, and every process.env read in src/', (t) => {
  const doc = readFileSync(REFERENCE, 'utf8');
  const listed = new Set([...doc.matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map((m) => m[1]!));
  for (const name of ENV_NAMES) t.true(listed.has(name), name);
  const read = new Set(
    files(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/process\.env\.([A-Za-z_]+)/g)].map((m) => m[1]!)),
  );
  // Read outside the settings loader: each must be documented too (none is, today: all go through loadSettings).
  for (const name of read) t.true(listed.has(name) || ['NODE_ENV'].includes(name), `process.env.${name} in src/`);
});

test('the config keys people look up are there (the generator lists every key the schemas accept and throws on one without a line)', (t) => {
  const doc = readFileSync(REFERENCE, 'utf8');
  for (const key of [
    'channels',
    'routes',
    'where',
    'review',
    'thread_days',
    'reviewers',
    'remind_after',
    'location',
    'conversation',
  ])
    t.regex(doc, new RegExp(`^\\| \`${key}\` \\|`, 'm'), key);
  t.regex(doc, /^### `console`\n\nNo keys but `type`\.$/m);
});

const anchors = () =>
  new Set(
    readFileSync(REFERENCE, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .map((l) => anchorOf(l.replace(/^#+ /, ''))),
  );

const places: Array<[string, string, string, string]> = [
  ['a variable', 'PORT', '', 'environment-variables'],
  ["a platform's variable", 'MicrosoftAppType', '', 'environment-variables'],
  ['a route key', 'routes[3].events[0]', 'not allowed', 'routes'],
  ['a key every channel has', 'channels.ops.thread', 'expected agent or off', 'channelsname-every-type'],
  ["a type's own key", 'channels.ops.channel', 'required for type slack', 'slack'],
  ["another type's key", 'channels.hook.url', 'required for type teams-workflow', 'teams-workflow'],
  ['an unknown channel key', 'channels.ops.chanel', 'unknown key "chanel"', 'channel-types'],
  ['a time interval', 'time_intervals.nights[0].times', 'bad time', 'time_intervalsname'],
  ['a top-level key', 'labels.role', 'unknown field', 'top-level'],
];
for (const [name, place, reason, anchor] of places) {
  test(`a config problem points to its section of the reference: ${name}`, (t) => {
    const link = referenceFor(place, reason);
    t.is(link, `docs/configuration-reference.md#${anchor}`);
    t.true(anchors().has(anchor), `the reference has a heading for #${anchor}`);
  });
}

test('an error keeps its lines and ends each problem line with its section', (t) => {
  t.is(
    withReferences('cfg.yaml:\n  routes[0].event (line 6): unknown key "event"'),
    'cfg.yaml:\n  routes[0].event (line 6): unknown key "event" (see docs/configuration-reference.md#routes)',
  );
  t.is(
    withReferences('PORT: invalid value (expected a number)'),
    'PORT: invalid value (expected a number) (see docs/configuration-reference.md#environment-variables)',
  );
  t.is(withReferences('something else went wrong'), 'something else went wrong');
});
