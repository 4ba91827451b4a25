import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { INHERITED } from './inherited.mjs';

export { INHERITED, isTestKnob } from './inherited.mjs';

/** The guard every test process and child loads: non-loopback connections fail unsent. */
export const LOOPBACK_GUARD = fileURLToPath(new URL('./loopbackOnly.mjs', import.meta.url));

/**
 * A working directory and HOME of this process's own, removed at exit: a child started there
 * reads no `.env` of the repository's or the user's, and writes its default data/ here.
 */
export const SCRATCH = mkdtempSync(join(tmpdir(), 'vcc-notify-child-'));
process.once('exit', () => rmSync(SCRATCH, { recursive: true, force: true }));

/** The complete environment for a child: the allowlist, the guard, then what the caller sets. */
export function childEnv(env: Record<string, string>, { guard = true } = {}): Record<string, string> {
  const base: Record<string, string> = { HOME: SCRATCH };
  for (const k of INHERITED) {
    const v = process.env[k];
    if (v !== undefined) base[k] = v;
  }
  if (guard) base.NODE_OPTIONS = `--import=${LOOPBACK_GUARD}`;
  return { ...base, ...env };
}
