import { array, enums, integer, object, optional, size, type Infer } from 'superstruct';
import { EVENT_KINDS } from '../vcc/changes.ts';
import { THREAD_TYPES, threadsOf } from '../platforms/registry.ts';
import { DEFAULT_THREAD_DAYS, type ThreadSettings } from '../delivery/ChannelSender.ts';
import { givenKeys, pathText as fmt } from './problems.ts';

export const threadKeys = object({
  thread: optional(enums(['agent'])),
  broadcast: optional(size(array(enums(EVENT_KINDS)), 1, EVENT_KINDS.length)),
  thread_days: optional(size(integer(), 1, 3650)),
});
export type ThreadKeys = Infer<typeof threadKeys>;

/**
 * A channel's `thread:`, `broadcast:` and `thread_days:`  as settings, or null (none given,
 * or a problem, noted one line per place).
 */
export function threadSettings(
  keys: Record<keyof ThreadKeys, unknown>,
  type: string,
  base: string[],
  problems: string[],
  at: (path: Array<string | number>) => string,
): ThreadSettings | null {
  const t = givenKeys(keys, threadKeys, base, problems, at);
  if (t === null) return null;
  const p = [...base, 'thread'];
  if (t.thread === undefined) {
    const key = t.broadcast !== undefined ? 'broadcast' : 'thread_days';
    problems.push(`${fmt([...base, key])}${at([...base, key])}: ${key} needs thread: agent on the channel`);
    return null;
  }
  if (!threadsOf(type)) {
    problems.push(`${fmt(p)}${at(p)}: type ${type} cannot thread (types that can: ${THREAD_TYPES.join(', ')})`);
    return null;
  }
  return { broadcast: t.broadcast ?? [], days: t.thread_days ?? DEFAULT_THREAD_DAYS };
}
