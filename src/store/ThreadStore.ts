import type { ThreadRole, ThreadRoot } from '../domain/threads.ts';

// Agents' threads (`thread: agent`): the store part (src/store/Store.ts joins them; the records are src/domain/threads.ts).

/** What a send on a threaded channel changes in its threads, recorded with `markSent`. */
export interface SentInThread {
  role: ThreadRole;
  /** Threads it started (`ref` set: a root) or added changes to (no `ref`: the root's edit falls due when `edit`). */
  roots: ReadonlyArray<{ userId: string; ref?: string; changes: number; lastEventId: number }>;
  /** Whether the channel's roots can be edited (so an edit falls due). */
  edit: boolean;
  /** A reply's thread: its root's ref (stored on the deliveries it carried). */
  threadRef?: string;
}

/** Agents' threads per channel (`thread: agent`). */
export interface ThreadStore {
  /** The threads of these users in a channel, by user id. */
  threadRoots(channel: string, userIds: readonly string[]): Promise<Map<string, ThreadRoot>>;
  /** A user's threads in every channel (admin, history). */
  threadsOf(userId: string): Promise<ThreadRoot[]>;
  /** Roots of a channel whose edit is due at `now`, oldest due first. */
  editsDue(channel: string, now: number, limit: number): Promise<ThreadRoot[]>;
  /** Records an edit: made at `editedAt`, or failed with `error` (due again at `nextAt`, or given up when null). */
  markEdit(
    channel: string,
    userId: string,
    result: { editedAt: number } | { error: string; nextAt: number | null },
  ): Promise<void>;
  /** Marks a root the platform no longer has (deleted in the chat), if it is still `ref`: the next event starts a new one. */
  dropRoot(channel: string, userId: string, ref: string): Promise<void>;
}
