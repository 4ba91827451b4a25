/** Line breaks of every kind (CR LF, LF, CR, NEL, LS, PS, VT, FF) and tabs: a value stays on its line. */
const BREAKS = /\r\n|[\n\r\t\v\f\u0085\u2028\u2029]/g;
/** C0 and C1 control characters (terminal escapes among them). */
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;
/** Bidi embeddings, overrides and isolates: they reorder what follows them on screen. */
const BIDI_OVERRIDES = /[\u202a-\u202e\u2066-\u2069]/g;
/**
 * Invisible characters that only serve to hide or split text: zero-width space, word joiner,
 * BOM, Mongolian vowel separator, soft hyphen, bidi marks, Unicode tag characters. ZWJ and ZWNJ
 * (U+200D, U+200C) stay: emoji sequences and Persian or Indic names need them.
 */
const INVISIBLE = /[\u200b\u2060\ufeff\u180e\u00ad\u200e\u200f\u061c]|\udb40[\udc00-\udc7f]/g;

/**
 * The one sanitizer for webhook text that leaves the service (chat messages of every target,
 * console notifications): the result is one line that shows what it says. Line breaks become
 * a space; control characters and bidi overrides become U+FFFD (visible, so tampering shows);
 * invisible characters are removed. Escaping for the target comes after this.
 */
export function sanitizeLine(value: string): string {
  return value
    .replace(BREAKS, ' ')
    .replace(CONTROLS, '\uFFFD')
    .replace(BIDI_OVERRIDES, '\uFFFD')
    .replace(INVISIBLE, '');
}
