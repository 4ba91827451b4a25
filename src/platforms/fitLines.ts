/**
 * Builds a payload from `lines`, dropping lines from the end (about a tenth at a time) until
 * its JSON is at most `maxBytes`; `build` gets the lines kept and how many were dropped, so
 * it can say so. Platforms use it for their message size limits.
 */
export function fitLines<T>(
  lines: readonly string[],
  maxBytes: number,
  build: (kept: readonly string[], dropped: number) => T,
): T {
  let kept = lines;
  let body = build(kept, 0);
  while (Buffer.byteLength(JSON.stringify(body)) > maxBytes && kept.length > 0) {
    kept = kept.slice(0, Math.floor(kept.length * 0.9));
    body = build(kept, lines.length - kept.length);
  }
  return body;
}
