import { createRequire } from 'node:module';
import type * as Re2 from 're2js';

// Loaded at the first pattern compiled, not at start-up: most configs have none.
let re2: typeof Re2 | undefined;
const loadRe2 = (): typeof Re2 => (re2 ??= createRequire(import.meta.url)('re2js') as typeof Re2);

/**
 * A compiled `matches` condition. It runs on RE2JS, a pure-JavaScript port of RE2: time linear
 * in the input whatever the pattern, so a pattern typed by any chat user cannot stall ingest
 * (JavaScript's RegExp backtracks: `(a+)+$` against 30 `a`s and a `!` takes seconds).
 */
export interface Pattern {
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (as RegExp.test without flags). */
  test(text: string): boolean;
  /** `/source/`, for explanations and pages. */
  toString(): string;
}

/** Longest pattern accepted (a chat command or a config value). */
export const MAX_PATTERN_LENGTH = 500;

/** Constructs RE2 refuses by design, named so the error says why rather than "invalid escape". */
const UNSUPPORTED: ReadonlyArray<readonly [RegExp, string]> = [
  [/\\[1-9]|\\k</, 'backreferences (\\1, \\k<name>)'],
  [/\(\?<?[=!]/, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!)'],
  [/\(\?>/, 'atomic groups ((?>)'],
  [/[*+?}]\+/, 'possessive quantifiers (a++, a*+)'],
];

/**
 * Compiles `source` with RE2 semantics, or says why it cannot: too long, a construct RE2 does
 * not run (backreferences, lookaround: they need backtracking, which is what makes a pattern
 * able to take exponential time), or a syntax error.
 */
export function compilePattern(source: string): Pattern | string {
  if (source.length > MAX_PATTERN_LENGTH) return `pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  const { RE2JS, RE2JSException } = loadRe2();
  try {
    const re = RE2JS.compile(source);
    return { source, test: (text) => re.test(text), toString: () => `/${source}/` };
  } catch (e) {
    if (!(e instanceof RE2JSException)) throw e;
    const named = UNSUPPORTED.find(([probe]) => probe.test(source));
    if (named)
      return `bad regex /${source}/: ${named[1]} are not supported (filters use RE2, which runs in linear time and cannot backtrack)`;
    return `bad regex /${source}/: ${e.message.replace(/^error parsing regexp: /, '')}`;
  }
}
