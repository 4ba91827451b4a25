import { closest, distance } from 'fastest-levenshtein';
import { validate, type Failure, type Struct } from 'superstruct';

/** ` (did you mean "events"?)` when one of `known` is a plausible misspelling of `word`, else ''. */
export function didYouMean(word: unknown, known: readonly string[]): string {
  if (typeof word !== 'string' || word === '' || known.length === 0) return '';
  const best = closest(
    word.toLowerCase(),
    known.map((k) => k.toLowerCase()),
  );
  const i = known.findIndex((k) => k.toLowerCase() === best);
  return distance(word.toLowerCase(), best) <= Math.max(1, Math.floor(word.length / 3))
    ? ` (did you mean "${known[i]}"?)`
    : '';
}

/** The keys an object struct (possibly optional) allows, or none for other structs. */
function keysOf(s: Struct<any, any> | undefined): string[] {
  return s && (s.type === 'object' || s.type === 'type') && s.schema && typeof s.schema === 'object'
    ? Object.keys(s.schema as object)
    : [];
}

/** The struct at `path` inside `root`, following object fields and array items. */
function structAt(root: Struct<any, any>, path: ReadonlyArray<string | number>): Struct<any, any> | undefined {
  let s: Struct<any, any> | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    if (s.type === 'array') s = s.schema as Struct<any, any>;
    else if (s.type === 'object' || s.type === 'type') s = (s.schema as Record<string, Struct<any, any>>)[String(seg)];
    else return undefined;
  }
  return s;
}

/** The allowed values named in superstruct's enums/literal message (`Expected one of \`"a","b"\``). */
function allowedValues(f: Failure): string[] {
  const m = /`(.*)`/.exec(f.message);
  if (!m) return [];
  try {
    const v = JSON.parse(`[${m[1]}]`) as unknown[];
    return v.map(String);
  } catch {
    return [];
  }
}

/**
 * One config problem as one line's reason, naming how to fix it: a missing key says it is
 * required (and for which channel type), an unknown key suggests the likely one, a value not
 * allowed lists the allowed ones (and suggests the closest). `root` is the struct the value was
 * checked against; `what` names it in the "required" message (`for type slack`).
 */
export function reasonFor(f: Failure, root: Struct<any, any>, what?: string): string {
  const last = String(f.path[f.path.length - 1] ?? '');
  if (f.type === 'never') {
    const known = keysOf(structAt(root, f.path.slice(0, -1)));
    return `unknown key "${last}"${didYouMean(last, known) || (known.length ? ` (keys: ${known.join(', ')})` : '')}`;
  }
  if (f.value === undefined) return `required${what ? ` for ${what}` : ''}`;
  if (f.type === 'enums' || f.type === 'literal') {
    const allowed = allowedValues(f);
    const shown = JSON.stringify(f.value);
    return `${shown} is not allowed${didYouMean(f.value, allowed)}${allowed.length ? `; one of: ${allowed.join(', ')}` : ''}`;
  }
  if (f.refinement !== undefined && f.refinement !== 'nonempty' && f.refinement !== 'size')
    return `${JSON.stringify(f.value)}: ${f.message}`;
  if (f.refinement === 'nonempty' || f.refinement === 'size')
    return `${JSON.stringify(f.value)}: ${f.message.replace(/^Expected a? ?/, 'expected ')}`;
  return `invalid value ${JSON.stringify(f.value)} (expected ${f.type})`;
}

/** A path as the config's problems name it: `channels.ops.thread`, `routes[2].where`. */
export const pathText = (p: ReadonlyArray<string | number>) =>
  p.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');

/**
 * The keys of `keys` that were given (not undefined), checked against `shape`: the value, or
 * null when none was given or a problem was noted (one line per failing place under `base`).
 */
export function givenKeys<T>(
  keys: Record<string, unknown>,
  shape: Struct<T, any>,
  base: ReadonlyArray<string | number>,
  problems: string[],
  at: (path: Array<string | number>) => string,
): T | null {
  const given = Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined));
  if (Object.keys(given).length === 0) return null;
  const [err, value] = validate(given, shape);
  if (!err) return value;
  for (const f of err.failures()) {
    const p = [...base, ...f.path];
    problems.push(`${pathText(p)}${at(p)}: ${reasonFor(f, shape)}`);
  }
  return null;
}

/**
 * The problems in the file's order (by line), the first at each place (`path (line N)`) only:
 * the shape check and a later check may both see one.
 */
export function onePerPlace(problems: string[]): string[] {
  const seen = new Set<string>();
  const line = (p: string) => Number(/ \(line (\d+)\): /.exec(p)?.[1] ?? 0);
  return problems
    .filter((p) => {
      const place = p.slice(0, p.indexOf(': '));
      if (seen.has(place)) return false;
      seen.add(place);
      return true;
    })
    .sort((a, b) => line(a) - line(b));
}
