import test from 'ava';
import { readFileSync } from 'node:fs';
import { ENV_NAMES, loadSettings } from '../src/config/settings.ts';
import { PLATFORMS } from '../src/platforms/registry.ts';
import type { EnvVars } from '../src/platforms/Platform.ts';

const read = (f: string) => readFileSync(new URL(`../${f}`, import.meta.url), 'utf8');
const example = new Set([...read('.env.example').matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!));
const readmeTable = new Set(
  [
    ...read('docs/configuration.md').matchAll(/^\| (`[A-Za-z_][A-Za-z0-9_]*`(?:, `[A-Za-z_][A-Za-z0-9_]*`)*) \|/gm),
  ].flatMap((m) => m[1]!.split(', ').map((x) => x.replaceAll('`', ''))),
);

/** Variables the example config names as `${NAME}`: .env.example sets them so the two files work together. */
const exampleConfigVars = read('vcc-notify.example.yaml')
  .split('\n')
  .filter((l) => !l.trimStart().startsWith('#'))
  .flatMap((l) => [...l.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!));

test("every variable the service reads is in .env.example and in the configuration guide's table, and nothing else is", (t) => {
  t.deepEqual(
    ENV_NAMES.filter((n) => !example.has(n)),
    [],
    'missing from .env.example',
  );
  t.deepEqual(
    ENV_NAMES.filter((n) => !readmeTable.has(n)),
    [],
    'missing from the table in docs/configuration.md',
  );
  t.deepEqual(
    [...example].filter((n) => !ENV_NAMES.includes(n) && !exampleConfigVars.includes(n)),
    [],
    '.env.example lists a variable nothing reads',
  );
  t.deepEqual(
    exampleConfigVars.filter((n) => !example.has(n)),
    [],
    'a variable vcc-notify.example.yaml names is missing from .env.example',
  );
});

test("each platform's variables are validated by the settings loader as declared", (t) => {
  for (const p of PLATFORMS) {
    for (const [name, v] of Object.entries(p.env as EnvVars)) {
      t.true(ENV_NAMES.includes(name), name);
      if (v.values)
        t.throws(
          () => loadSettings({ [name]: 'not-an-allowed-value' }),
          { message: new RegExp(`^${name}: invalid value`) },
          name,
        );
    }
  }
});

test('a platform variable that is secret is never echoed by a settings error', (t) => {
  const secrets = PLATFORMS.flatMap((p) => Object.entries(p.env as EnvVars))
    .filter(([, v]) => v.secret)
    .map(([n]) => n);
  t.true(secrets.includes('SLACK_BOT_TOKEN') && secrets.includes('MicrosoftAppPassword'));
  const err = t.throws(() => loadSettings({ SLACK_BOT_TOKEN: 'xoxb-secret-value', PORT: 'bad' }));
  t.false(err?.message.includes('xoxb-secret-value'));
});
