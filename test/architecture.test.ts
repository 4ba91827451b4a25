// The shape of src/: folders that depend one way (docs/architecture.md), no import cycles,
// platforms that stay in their folders, small files. Read from the sources, as a newcomer would.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import of a file, static or dynamic, type-only or not (each couples the two). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.[^']+)'/gm)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s));
}

/** The import cycles among `files`, each as the list of files around it. */
function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((to) => files.includes(to))]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const to of graph.get(f) ?? []) {
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

test('src/ has no import cycles (static, dynamic or type-only)', (t) => {
  const found = cycles(sources(SRC)).map((c) => c.map((f) => relative(SRC, f)).join(' -> '));
  t.deepEqual(found, []);
});

/** Functions (declarations, methods, arrows) longer than `max` lines, as `file:line name (n lines)`. */
async function longFunctions(files: string[], max: number): Promise<string[]> {
  const { default: ts } = await import('typescript');
  return files.flatMap((f) => {
    const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
    const found: string[] = [];
    const visit = (n: import('typescript').Node) => {
      if (ts.isFunctionLike(n) && 'body' in n && n.body) {
        const [a, b] = [
          sf.getLineAndCharacterOfPosition(n.getStart()).line,
          sf.getLineAndCharacterOfPosition(n.end).line,
        ];
        const name = 'name' in n && n.name ? n.name.getText(sf) : '(anonymous)';
        if (b - a + 1 > max) found.push(`${relative(SRC, f)}:${a + 1} ${name} (${b - a + 1} lines)`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
    return found;
  });
}

test('no function in src/ is over 60 lines', async (t) => {
  t.deepEqual(await longFunctions(sources(SRC), 60), []);
});

test('the length check sees a long function', async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync(join(SRC, '..', '.long-'));
  try {
    const f = join(dir, 'x.ts');
    writeFileSync(
      f,
      `export function short() {\n  return 1;\n}\nexport const long = () => {\n${'  void 0;\n'.repeat(60)}};\n`,
    );
    t.deepEqual(
      (await longFunctions([f], 60)).map((x) => x.replace(/^.*x\.ts/, 'x.ts')),
      ['x.ts:4 (anonymous) (62 lines)'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no file in src/ is much over 250 lines', (t) => {
  const long = sources(SRC)
    .map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const)
    .filter(([, n]) => n > 260);
  t.deepEqual(long, []);
});

/**
 * The layers of docs/architecture.md: each folder of src/ and the folders it may import. A
 * folder imports only folders listed before it; `(root)` is src/'s own files (the service's
 * composition root, the logger, the metrics).
 */
const LAYERS: Record<string, readonly string[]> = {
  vcc: [],
  routing: ['vcc'],
  domain: ['vcc', 'routing'],
  store: ['vcc', 'routing', 'domain'],
  render: ['vcc', 'routing', 'domain', 'store'],
  delivery: ['vcc', 'routing', 'domain', 'store', 'render'],
  actions: ['vcc', 'routing', 'domain', 'store', 'render', 'delivery'],
  chat: ['vcc', 'routing', 'domain', 'store', 'render', 'delivery', 'actions'],
  platforms: ['vcc', 'routing', 'domain', 'store', 'render', 'delivery', 'actions', 'chat'],
  config: ['vcc', 'routing', 'domain', 'store', 'render', 'delivery', 'actions', 'chat', 'platforms'],
  channels: ['vcc', 'routing', 'domain', 'store', 'render', 'delivery', 'actions', 'chat', 'platforms', 'config'],
  http: ['vcc', 'routing', 'domain', 'store', 'render', 'delivery', 'config'],
  admin: [
    'vcc',
    'routing',
    'domain',
    'store',
    'render',
    'delivery',
    'actions',
    'chat',
    'platforms',
    'config',
    'channels',
    'http',
  ],
  cli: [
    'vcc',
    'routing',
    'domain',
    'store',
    'render',
    'delivery',
    'actions',
    'chat',
    'platforms',
    'config',
    'channels',
    'http',
    '(root)',
  ],
  '(root)': [
    'vcc',
    'routing',
    'domain',
    'store',
    'render',
    'delivery',
    'actions',
    'chat',
    'platforms',
    'config',
    'channels',
    'http',
    'admin',
  ],
};

const folderOf = (file: string) => {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? '(root)' : rel[0]!;
};

/** Folder-to-folder imports not allowed by LAYERS (or from a folder it does not know), as `from -> to (file)`. */
function layerViolations(edges: Array<[string, string]>): string[] {
  return edges.flatMap(([f, to]) => {
    const [a, b] = [folderOf(f), folderOf(to)];
    return a === b || LAYERS[a]?.includes(b) ? [] : [`${a} -> ${b} (${relative(SRC, f)})`];
  });
}

const edgesOf = (files: string[]): Array<[string, string]> =>
  files.flatMap((f) => importsOf(f).map((to): [string, string] => [f, to]));

test('folders depend one way: each imports only the layers below it', (t) => {
  const folders = readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'types')
    .map((e) => e.name);
  t.deepEqual(
    folders.filter((d) => !(d in LAYERS)),
    [],
    'a folder docs/architecture.md does not place',
  );
  t.deepEqual(layerViolations(edgesOf(sources(SRC).filter((f) => !f.includes('/types/')))), []);
});

const edgeCases: Array<[string, string, string, boolean]> = [
  ['the worker importing a platform (a folder cycle)', 'delivery/DeliveryWorker.ts', 'platforms/registry.ts', false],
  ['a platform importing the config', 'platforms/slack/index.ts', 'config/settings.ts', false],
  ['a platform importing the send contract', 'platforms/slack/webApi.ts', 'delivery/Adapter.ts', true],
  ['the wire format importing anything', 'vcc/user.ts', 'routing/route.ts', false],
  ['the CLI importing the composition root', 'cli/main.ts', 'service.ts', true],
  ['a new folder nobody placed', 'threads/Thread.ts', 'store/Store.ts', false],
];
for (const [name, from, to, ok] of edgeCases) {
  test(`layer rule: ${name} is ${ok ? 'allowed' : 'refused'}`, (t) => {
    t.is(layerViolations([[join(SRC, from), join(SRC, to)]]).length, ok ? 0 : 1);
  });
}

/** The string literals of a TypeScript source, comments left out (enough for our own code). */
function literals(text: string): string[] {
  return [...uncommented(text).matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)].map((m) => m[0]);
}

interface PlatformWords {
  folder: string;
  words: string[];
  variables: string[];
}

/** What names a platform: its target, title, chat prefix and channel types in strings; its variables anywhere in code. */
async function platformWords(): Promise<PlatformWords[]> {
  const { PLATFORMS } = await import('../src/platforms/registry.ts');
  return PLATFORMS.map((p) => ({
    folder: p.target,
    words: [p.target, p.title, ...('chat' in p ? [p.chat.prefix] : []), ...Object.keys(p.channelTypes)],
    variables: Object.keys(p.env),
  }));
}

const uncommented = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
const word = (w: string) =>
  new RegExp(`(^|[^A-Za-z0-9_-])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_-])`, 'i');

/** `file: "literal"` for each literal outside a platform's folder (and the registry) that names it. */
function leaks(files: string[], platforms: PlatformWords[]): string[] {
  return files.flatMap((f) => {
    const rel = relative(SRC, f);
    if (rel === join('platforms', 'registry.ts')) return [];
    const text = readFileSync(f, 'utf8');
    const lits = literals(text);
    const code = uncommented(text);
    return platforms.flatMap(({ folder, words, variables }) =>
      rel.startsWith(join('platforms', folder) + '/')
        ? []
        : [
            ...lits.filter((l) => words.some((w) => word(w).test(l))).map((l) => `${rel}: ${l}`),
            ...variables.filter((v) => word(v).test(code)).map((v) => `${rel}: ${v}`),
          ],
    );
  });
}

test('a platform is one folder: nothing outside it (but its registry line) names it in code', async (t) => {
  const platforms = await platformWords();
  const folders = readdirSync(join(SRC, 'platforms'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  t.deepEqual(folders.sort(), platforms.map((p) => p.folder).sort(), 'one folder per platform, named after its target');
  t.deepEqual(leaks(sources(SRC), platforms), []);
});

test('the leak check sees a platform named outside its folder', async (t) => {
  const platforms = await platformWords();
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync(join(SRC, '..', '.leak-'));
  try {
    const f = join(dir, 'x.ts');
    writeFileSync(
      f,
      "// slack in a comment is fine\nconst a = 'slack-webhook';\nconst b = process.env.SLACK_BOT_TOKEN ?? `Google Chat`;\n",
    );
    t.deepEqual(leaks([f], platforms).length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dev-only packages reach src/ as types only: nothing of them is loaded at run time', (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const devOnly = Object.keys(pkg.devDependencies).filter((d) => !(d in pkg.dependencies));
  const loaded = sources(SRC).flatMap((f) =>
    [
      ...readFileSync(f, 'utf8').matchAll(
        /^(import(?! type)[^;]*?from\s+|export(?! type)[^;]*?from\s+|.*import\()\s*'([^'.][^']*)'/gm,
      ),
    ]
      .map((m) => m[2]!)
      .filter((spec) => devOnly.some((d) => spec === d || spec.startsWith(`${d}/`)))
      .map((spec) => `${relative(SRC, f)}: ${spec}`),
  );
  t.deepEqual(loaded, []);
  // And the types are used: Block Kit's and Google Chat's message types shape the payloads.
  t.regex(
    readFileSync(join(SRC, 'platforms/slack/blocks.ts'), 'utf8'),
    /^import type \{ [\w, ]*\bKnownBlock\b[\w, ]* \} from '@slack\/types';$/m,
  );
  t.regex(
    readFileSync(join(SRC, 'platforms/google-chat/card.ts'), 'utf8'),
    /^import type \{ chat_v1 \} from '@googleapis\/chat';$/m,
  );
});
