/** The longest filter value a page reads. */
const MAX_TEXT = 200;

/**
 * The filter values of a query string, by key: each one line (no control characters) of at
 * most 200 characters, trimmed; absent and blank ones left out. A value that is not gives the
 * reason. `given` holds what was read, to put back in the page's links and form.
 */
export function queryLines<K extends string>(
  q: Record<string, unknown>,
  keys: readonly K[],
): { values: Partial<Record<K, string>>; given: URLSearchParams } | { error: string } {
  const given = new URLSearchParams();
  const values: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const raw = q[key];
    if (raw === undefined || raw === '') continue;
    if (typeof raw !== 'string' || raw.length > MAX_TEXT || /[\u0000-\u001f\u007f]/.test(raw))
      return { error: `${key}: one line of at most ${MAX_TEXT} characters` };
    const v = raw.trim();
    if (v === '') continue;
    given.set(key, v);
    values[key] = v;
  }
  return { values, given };
}
