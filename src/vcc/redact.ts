import { outOfBounds } from './bounds.ts';

/** Longest excerpt of a refused body that is kept for operators. */
export const REFUSED_BODY_MAX = 4096;

const PASSWORD_KEY = /^password$/i;

/**
 * Makes a refused body safe to store and show, then cuts it to REFUSED_BODY_MAX characters.
 * A body that parses as JSON is redacted on its decoded value: the value of every key that is
 * `password` in any letter case, once JSON escapes are decoded (`"pass\u0077ord"`), at any
 * depth, of any type (string, number, array, object), becomes "[removed]". A body that does
 * not parse is kept only when it cannot spell a password key: it holds no "password" and no
 * `\u` escape; otherwise it is dropped. A parsed body over the webhook's bounds is dropped too.
 */
export function redactBody(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (/password/i.test(text) || text.includes('\\u')) return '[body dropped: not JSON, and it may hold a password]';
    return cut(text);
  }
  if (outOfBounds(value)) return '[body dropped: nested too deep or too large to show]';
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (PASSWORD_KEY.test(k)) o[k] = '[removed]';
      else stack.push(o[k]);
    }
  }
  return cut(JSON.stringify(value));
}

const cut = (s: string) => (s.length > REFUSED_BODY_MAX ? `${s.slice(0, REFUSED_BODY_MAX)}…[truncated]` : s);
