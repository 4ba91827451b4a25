import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOC_FILES, docText } from './helpers/docs.ts';
import { spawnService, stopService } from './helpers/child.ts';
import { until } from './helpers/service.ts';
import { anchorOf } from '../src/config/referenceLinks.ts';
import { parseConfig } from '../src/config/loadConfig.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The headings outside code blocks of a Markdown text. */
function headings(text: string): string[] {
  let code = false;
  return text.split('\n').flatMap((l) => {
    if (l.startsWith('```')) code = !code;
    return !code && /^#{1,4} /.test(l) ? [l.replace(/^#+ /, '')] : [];
  });
}

/** Relative links of a Markdown text: [text](target), less web addresses. */
const links = (text: string): string[] =>
  [...text.replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((l) => !/^[a-z]+:/.test(l));

test('the README is a landing page: at most 250 lines', (t) => {
  const lines = docText('README.md').split('\n').length - 1;
  t.true(lines <= 250, `README.md has ${lines} lines`);
});

/** The README's sections before it became a landing page: each topic has a home in a guide. */
const OLD_README_HEADINGS = [
  'Point VCC Live at it',
  'What the endpoint answers',
  'What changed: event kinds',
  'Environment',
  'Configuration: channels and routes',
  "Labels: words for VCC's codes",
  'Mentions: paging people on purpose',
  'Messages and templates',
  'Delivery',
  'Threads: one conversation per agent',
  'Quiet hours',
  'Mutes',
  "Reviews: an owner's decision on security-relevant changes",
  'Setting up the platforms',
  'Configure from Slack',
  'Configure from Teams',
  'Operating it',
  'Command line',
  'Health and metrics',
  'Logs',
  'Admin page',
  'Sign-in and audit',
  'Audit log',
  'Security',
  'Deploying',
  'Backup and restore',
  'Running several instances',
  'Durability',
  'When something breaks',
  'Benchmark',
  'Dependencies and why',
  'Layout',
];

test("the docs index lists every topic the README had, each linked to a guide's section", (t) => {
  const index = docText('docs/README.md');
  for (const topic of OLD_README_HEADINGS) {
    const row = index.split('\n').find((l) => l.startsWith(`| ${topic} |`));
    t.truthy(row, `docs/README.md lists "${topic}"`);
    const targets = links(row ?? '');
    t.true(targets.length > 0, `"${topic}" links to a guide`);
  }
  t.true(links(docText('README.md')).includes('docs/README.md'), 'the README links the index');
});

test('every relative link in the README and the guides reaches a file, and its #section a heading there', (t) => {
  for (const file of DOC_FILES) {
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const link of links(docText(file))) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? file : new URL(path, `file://${ROOT}${dir}`).pathname.slice(ROOT.length);
      t.true(existsSync(`${ROOT}${target}`), `${file}: ${link} (no ${target})`);
      if (anchor && target.endsWith('.md'))
        t.true(headings(docText(target)).map(anchorOf).includes(anchor), `${file}: ${link} (no such heading)`);
    }
  }
});

test('every config file example in the README and the guides is a valid configuration', (t) => {
  let n = 0;
  for (const file of DOC_FILES) {
    for (const m of docText(file).matchAll(/```yaml\n([\s\S]*?)```/g)) {
      const lines = m[1]!.split('\n');
      const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
      const yaml = lines.map((l) => l.slice(indent)).join('\n');
      if (!/^channels:/m.test(yaml)) continue;
      const vars = Object.fromEntries(
        [...yaml.matchAll(/\$\{(\w+)\}/g)].map((v) => [v[1]!, 'https://hooks.example/x']),
      );
      t.notThrows(() => parseConfig(yaml, vars, file), `${file}:\n${yaml}`);
      n += 1;
    }
  }
  t.true(n >= 3, `${n} examples checked`);
});

test("the README's first step: its curl sends VCC's sample to the service, which logs the notification", async (t) => {
  const line = /^ *(curl .+)$/m.exec(docText('README.md'))![1]!;
  const svc = spawnService(t, { LOG_LEVEL: 'info' });
  const port = await svc.port;
  const args = line
    .replace('127.0.0.1:3000', `127.0.0.1:${port}`)
    .replace('@test/', `@${ROOT}test/`)
    .match(/'[^']*'|\S+/g)!
    .slice(1)
    .map((a) => a.replace(/^'|'$/g, ''));
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('curl', ['-sS', ...args], { timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    t.deepEqual(JSON.parse(out), { status: 'accepted', event: 1, deliveries: 1 });
    await until(() => /"title":"New agent: Rachel Smith"/.test(svc.output()), 60_000, 'the notification line');
    t.pass();
  } finally {
    await stopService(svc);
  }
});
