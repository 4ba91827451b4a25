// The one list of what test code may take from the shell (no side effects: the bench imports it).

/**
 * What a test, or a process started by a test or the bench, may take from the shell: where
 * programs and temp files are, and the locale. No token, URL, PORT, NODE_OPTIONS or config path.
 */
export const INHERITED = ['PATH', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'];

/** Test-only knobs a developer may set in the shell (e.g. VCC_NOTIFY_TEST_SCREENSHOT). */
export const isTestKnob = (name) => /^VCC_NOTIFY_TEST_/.test(name) || name === 'NODE_ENV';
