import type { Mute, NewMute } from '../domain/mutes.ts';

// Mutes (silences): the store part (src/store/Store.ts joins them; the record is src/domain/mutes.ts).

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
