// Emphasis, strike and code in the chat platforms' markdown need a pair of markers: a lone `_`
// or `*` (rachel_smith, a*b) is never markup, so it is sent as typed and only markers that
// could pair are made inert, each platform in its own way.

/** The markers that act only in pairs, on every platform: emphasis, strike, code. */
export const PAIRED_MARKERS = ['*', '_', '~', '`'] as const;

/** A letter or digit: an `_` between two of them cannot open or close emphasis (CommonMark's flanking rule). */
const WORD = /[\p{L}\p{N}]/u;

/** The `_` in `s` that could open or close emphasis: not between two letters or digits. */
function boundaryUnderscores(s: string): number {
  let n = 0;
  for (let i = s.indexOf('_'); i >= 0; i = s.indexOf('_', i + 1))
    if (!(WORD.test(s[i - 1] ?? '') && WORD.test(s[i + 1] ?? ''))) n += 1;
  return n;
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

/**
 * The markers among `markers` that occur in `s` often enough to pair (two or more; for `_`,
 * two or more that are not inside a word). An empty list: none of them can become markup.
 */
export function pairedMarkers(s: string, markers: readonly string[]): string[] {
  return markers.filter((m) => (m === '_' ? boundaryUnderscores(s) : count(s, m)) >= 2);
}

/** Every occurrence of the `chars` in `s`, each replaced by `to(char)`. */
export function replaceChars(s: string, chars: readonly string[], to: (c: string) => string): string {
  if (chars.length === 0) return s;
  return s.replace(new RegExp(`[${chars.map((c) => `\\${c}`).join('')}]`, 'g'), to);
}
