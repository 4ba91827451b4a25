import type { Delivery, ThreadRoot } from '../store/Store.ts';
import { utcMinute } from './utcMinute.ts';

/** Where a sent delivery went on a threaded channel, for people (admin, `history`); '' elsewhere. */
export function threadRoleText(d: Pick<Delivery, 'thread'>): string {
  switch (d.thread) {
    case 'root':
      return "the agent's thread root";
    case 'reply':
      return 'a reply in the thread';
    case 'channel':
      return 'the channel (a burst digest)';
    case null:
      return '';
  }
}

/** An agent's thread in a channel, for people: its size, its root's edits, replacements. */
export function threadText(r: ThreadRoot): string {
  const parts = [`${r.changes} ${r.changes === 1 ? 'change' : 'changes'} since ${utcMinute(r.startedAt)}`];
  if (r.ref === '') parts.push('root deleted in the chat: the next event starts a new one');
  else if (r.editError)
    parts.push(`root edit failed: ${r.editError}${r.editDueAt !== null ? ' (tried again later)' : ''}`);
  else if (r.editDueAt !== null) parts.push('root edit pending');
  else if (r.editedAt !== null) parts.push(`root edited ${utcMinute(r.editedAt)}`);
  if (r.replaced > 0)
    parts.push(`root replaced ${r.replaced} ${r.replaced === 1 ? 'time' : 'times'} after a deletion in the chat`);
  return parts.join('; ');
}
