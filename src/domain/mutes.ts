import type { EventKind } from '../vcc/changes.ts';
import type { WhereTerm } from '../routing/conditions.ts';

/** A mute (a silence): what it matches, where, when, who made it and why. */
export interface Mute {
  id: number;
  /** Null: every channel. */
  channel: string | null;
  /** Null: every kind. */
  kinds: EventKind[] | null;
  /** All must hold on the user after the change (the chat grammar's terms). */
  where: WhereTerm[];
  startsAt: number;
  /** It holds nothing from then on (expiring it early sets this to now). */
  endsAt: number;
  comment: string;
  createdBy: string;
  createdAt: number;
}
export type NewMute = Omit<Mute, 'id'>;

/** A new mute from now for `ms`: no channel is every channel, no kinds every kind. */
export function newMute(
  m: { channel: string | null; kinds: readonly EventKind[]; where: WhereTerm[]; comment: string; by: string },
  ms: number,
  now: number,
): NewMute {
  const { channel, where, comment } = m;
  const kinds = m.kinds.length ? [...m.kinds] : null;
  return { channel, kinds, where, startsAt: now, endsAt: now + ms, comment, createdBy: m.by, createdAt: now };
}
