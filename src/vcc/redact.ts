/** Longest excerpt of a refused body that is kept for operators. */
export const REFUSED_BODY_MAX = 4096;

const PASSWORD_VALUE = /("password"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/gi;

/**
 * Makes a refused body safe to store and show: every `password` value removed (also in
 * text that is not valid JSON), then cut to REFUSED_BODY_MAX characters. When a password
 * value cannot be located with certainty (a torn string), everything from the first
 * mention of "password" on is dropped.
 */
export function redactBody(text: string): string {
  let out = text.replace(PASSWORD_VALUE, '$1"[removed]"');
  const rest = out.replace(PASSWORD_VALUE, '');
  if (/password/i.test(rest)) {
    const at = out.search(/password/i);
    out = `${out.slice(0, at)}[cut: text from here may hold a password]`;
  }
  return out.length > REFUSED_BODY_MAX ? `${out.slice(0, REFUSED_BODY_MAX)}…[truncated]` : out;
}
