/** Deepest nesting of objects and arrays a webhook body may have (VCC's own bodies use 3). */
export const MAX_DEPTH = 32;
/** Most values (object fields and array items, all levels together) a webhook body may hold. */
export const MAX_VALUES = 5_000;

/**
 * Checks a parsed JSON value against MAX_DEPTH and MAX_VALUES without recursion (an explicit
 * stack), so a hostile body nested thousands of levels deep costs a bounded loop, before
 * anything recursive (validation, hashing, storing, rendering) touches it. Returns null when
 * it fits, else the path where it stopped fitting (`new.messageLists.0.0`) and why.
 */
export function outOfBounds(value: unknown, maxDepth = MAX_DEPTH, maxValues = MAX_VALUES): { path: string; message: string } | null {
  const stack: Array<{ v: unknown; path: string[] }> = [{ v: value, path: [] }];
  let values = 0;
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= maxDepth) {
      return { path: path.join('.'), message: `${path.join('.') || 'body'}: nested deeper than ${maxDepth} levels` };
    }
    const entries: Array<[string, unknown]> = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    values += entries.length;
    if (values > maxValues) {
      return { path: path.join('.'), message: `${path.join('.') || 'body'}: the body holds more than ${maxValues} values` };
    }
    for (const [k, x] of entries) stack.push({ v: x, path: [...path, k] });
  }
  return null;
}
