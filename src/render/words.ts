import type { EventKind } from '../vcc/changes.ts';
import type { User } from '../vcc/user.ts';
import { labelOf, type Labels } from './labels.ts';

/**
 * The words for each kind of change, written once: digests and summaries count with `one` /
 * `many` (digest.yaml's `labels:` may override them), and `happened` is the change as a line
 * where a kind has no field to show (history, the admin pages, the CSV).
 */
export const KIND_WORDS = {
  'user.created': { one: 'new user', many: 'new users', happened: 'Created in VCC Live' },
  'user.state_changed': { one: 'state change', many: 'state changes', happened: 'State changed' },
  'user.transport_changed': {
    one: 'SIP transport change',
    many: 'SIP transport changes',
    happened: 'SIP transport changed',
  },
  'user.role_changed': { one: 'role change', many: 'role changes', happened: 'Role changed' },
  'user.password_changed': { one: 'password reset', many: 'password resets', happened: 'Password reset (never shown)' },
  'user.updated': { one: 'other update', many: 'other updates', happened: 'Updated' },
} as const satisfies Record<EventKind, { one: string; many: string; happened: string }>;

/** New users that are all agents, as digests count them (the single message's title says "New agent"). */
export const NEW_AGENTS = { one: 'new agent', many: 'new agents' } as const;

/**
 * A user's role in words, the same on every card, summary and page: the privilege group's
 * label when the config names it ("Team lead"), with what the user is when the label does not
 * say it ("Team lead (agent)"); without a label, "Agent, privilege group 4".
 */
export function roleWords(u: Partial<Pick<User, 'isAgent' | 'privGroup'>> | null, labels: Labels): string {
  if (!u) return '(none)';
  const who = u.isAgent === true ? 'Agent' : u.isAgent === false ? 'Supervisor/admin user' : 'User';
  if (u.privGroup === null || u.privGroup === undefined) return who;
  const label = labelOf(labels, 'privGroup', u.privGroup);
  if (label === null) return `${who}, privilege group ${u.privGroup}`;
  return label.toLowerCase() === who.toLowerCase() ? label : `${label} (${who.toLowerCase()})`;
}
