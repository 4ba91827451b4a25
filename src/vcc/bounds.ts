/** Deepest nesting of objects and arrays a webhook body may have (VCC's own bodies use 3). */
export const MAX_DEPTH = 32;
/** Most values (object fields and array items, all levels together) a webhook body may hold. */
export const MAX_VALUES = 5_000;

/** A container still to visit: its parent's frame and its key there, to name the path on failure. */
interface Frame {
  v: object;
  key: string;
  parent: Frame | null;
  depth: number;
}

const pathOf = (f: Frame | null): string => {
  const keys: string[] = [];
  for (let at = f; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
};

/**
 * Checks a parsed JSON value against MAX_DEPTH and MAX_VALUES without recursion (an explicit
 * stack), so a hostile body nested thousands of levels deep costs a bounded loop, before
 * anything recursive (validation, hashing, storing, rendering) touches it. Returns null when
 * it fits, else the path where it stopped fitting (`new.messageLists.0.0`) and why.
 * Only containers are pushed, so a fitting body costs one small frame per object or array.
 */
export function outOfBounds(
  value: unknown,
  maxDepth = MAX_DEPTH,
  maxValues = MAX_VALUES,
): { path: string; message: string } | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: Frame[] = [{ v: value, key: '', parent: null, depth: 0 }];
  let values = 0;
  const fail = (f: Frame, why: string) => {
    const path = pathOf(f);
    return { path, message: `${path || 'body'}: ${why}` };
  };
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (f.depth >= maxDepth) return fail(f, `nested deeper than ${maxDepth} levels`);
    if (Array.isArray(f.v)) {
      values += f.v.length;
      if (values > maxValues) return fail(f, `the body holds more than ${maxValues} values`);
      for (let i = 0; i < f.v.length; i += 1) {
        const x: unknown = f.v[i];
        if (x !== null && typeof x === 'object') stack.push({ v: x, key: String(i), parent: f, depth: f.depth + 1 });
      }
    } else {
      for (const k in f.v) {
        if (!Object.hasOwn(f.v, k)) continue;
        values += 1;
        if (values > maxValues) return fail(f, `the body holds more than ${maxValues} values`);
        const x: unknown = (f.v as Record<string, unknown>)[k];
        if (x !== null && typeof x === 'object') stack.push({ v: x, key: k, parent: f, depth: f.depth + 1 });
      }
    }
  }
  return null;
}
