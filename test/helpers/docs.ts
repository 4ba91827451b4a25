import { readdirSync, readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url);

/** README.md and every guide in docs/ (their paths from the repository root): what users read. */
export const DOC_FILES = [
  'README.md',
  ...readdirSync(new URL('docs/', ROOT))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** One document's text, by its path from the repository root. */
export const docText = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

/** Every document's text, one after the other: for examples that may sit in any guide. */
export const allDocs = (): string => DOC_FILES.map(docText).join('\n\n');
