/**
 * What one online check of the setup found (`vcc-notify check-config --online`): `ok`; a
 * `problem` the platform or the store confirmed, with the `fix` a person can apply; or
 * `unchecked` when no answer could be had (unreachable, timed out, a 5xx), which says
 * nothing about the setup either way.
 */
export type Finding =
  | { status: 'ok'; what: string }
  | { status: 'problem'; what: string; fix: string }
  | { status: 'unchecked'; what: string; fix?: string };

/** The exit status of an online check: 0 all ok, 1 a problem found, 2 something could not be checked (and no problem). */
export function checkExitCode(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.status === 'problem')) return 1;
  return findings.some((f) => f.status === 'unchecked') ? 2 : 0;
}

export const ok = (what: string): Finding => ({ status: 'ok', what });
export const problem = (what: string, fix: string): Finding => ({ status: 'problem', what, fix });
export const unchecked = (what: string, fix?: string): Finding =>
  fix === undefined ? { status: 'unchecked', what } : { status: 'unchecked', what, fix };
