import type { EventKind } from '../vcc/changes.ts';
import type { WhereTerm } from '../routing/conditions.ts';

// Mutes (silences): the record and the store part (src/store/Store.ts joins them).

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

/** Mutes, and the deliveries they held back. */
export interface MuteStore {
  addMute(m: NewMute): Promise<number>;
  /** The mutes in force at `activeAt`; without it, every mute, newest first (at most `limit`). */
  listMutes(opts: { activeAt?: number; limit?: number }): Promise<Mute[]>;
  /** Ends a mute now; false when there is no such mute or it had ended. */
  expireMute(id: number, now: number): Promise<boolean>;
  /**
   * Queues once what mute `muteId` held (status `muted`): pending again now, as a replay, so
   * no mute holds them again; returns how many.
   */
  releaseHeld(muteId: number, now: number): Promise<number>;
  /** Marks pending deliveries held back by mute `muteId` (status `muted`; `reason` as their last error). */
  markMuted(ids: readonly number[], muteId: number, now: number, reason: string): Promise<void>;
}

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
