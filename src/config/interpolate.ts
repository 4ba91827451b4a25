/**
 * `v` with every `${NAME}` in its strings replaced by the environment variable NAME; an unset
 * or empty one is replaced by nothing and reported through `missing` with its path.
 */
export function interpolate(
  v: unknown,
  env: NodeJS.ProcessEnv,
  path: Array<string | number>,
  missing: (p: Array<string | number>, name: string) => void,
): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, n: string) => {
      const val = env[n];
      if (val === undefined || val === '') {
        missing(path, n);
        return '';
      }
      return val;
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => interpolate(x, env, [...path, i], missing));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolate(x, env, [...path, k], missing)]));
  }
  return v;
}
