// What a pathological filter costs per event: RE2 (re2js, what routing runs) beside JavaScript's
// backtracking RegExp on the same pattern, the latter on inputs short enough to finish.
import { compilePattern, type Pattern } from '../src/routing/pattern.ts';

export interface PatternFigure {
  pattern: string;
  input: string;
  re2Us: number;
  regexpUs: number | null;
}

const perCall = (f: () => void, minMs = 200): number => {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    f();
    n += 1;
  }
  return ((performance.now() - t0) * 1000) / n;
};

export function benchPatterns(): PatternFigure[] {
  const cases: Array<[string, (n: number) => string, number, number]> = [
    ['(a+)+$', (n) => `${'a'.repeat(n)}!`, 40, 20],
    ['^([a-z0-9]+\\.?)*@example\\.com$', (n) => `${'a'.repeat(n)}@partner.com`, 40, 20],
  ];
  return cases.map(([source, input, long, short]) => {
    const p = compilePattern(source) as Pattern;
    const re = new RegExp(source);
    return {
      pattern: source,
      input: `${long} / ${short} repetitions`,
      re2Us: perCall(() => p.test(input(long))),
      regexpUs: perCall(() => re.test(input(short)), 100),
    };
  });
}
