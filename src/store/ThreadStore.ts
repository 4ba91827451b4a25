import type { EventKind } from '../vcc/changes.ts';

// Agents' threads (`thread: agent`): the records and the store part (src/store/Store.ts joins them).

/**
 * Where a sent delivery went on a channel with `thread: agent`: it started the agent's
 * thread (its root), was a reply in it, or went to the channel itself (a digest of a burst).
 */
export const THREAD_ROLES = ['root', 'reply', 'channel'] as const;
export type ThreadRole = (typeof THREAD_ROLES)[number];

/** An agent's thread in one channel: its root message, and what the root should show. */
export interface ThreadRoot {
  channel: string;
  userId: string;
  /** The platform's id of the root (Slack ts, Teams activity id, Google Chat thread key); '' when it was deleted in the chat. */
  ref: string;
  startedAt: number;
  /** When the thread last had a change (a new root starts after the channel's thread_days). */
  lastAt: number;
  /** Events in the thread, the root's included. */
  changes: number;
  /** The newest of them: what the root shows. */
  lastEventId: number;
  /** When the root is next to be edited to show the newest state; null when it shows it. */
  editDueAt: number | null;
  /** Failed edits since the last one that went through. */
  editAttempts: number;
  editError: string | null;
  editedAt: number | null;
  /** How many times its root was deleted in the chat and a new one started. */
  replaced: number;
}

/** A channel's `thread: agent` settings (the config file, or chat for chat-made channels). */
export interface ThreadSettings {
  /** Kinds whose replies are also shown in the channel. */
  broadcast: readonly EventKind[];
  /** Days without a change after which an agent's next event starts a new root. */
  days: number;
}

/** What a send on a threaded channel changes in its threads, recorded with `markSent`. */
export interface SentInThread {
  role: ThreadRole;
  /** Threads it started (`ref` set: a root) or added changes to (no `ref`: the root's edit falls due when `edit`). */
  roots: ReadonlyArray<{ userId: string; ref?: string; changes: number; lastEventId: number }>;
  /** Whether the channel's roots can be edited (so an edit falls due). */
  edit: boolean;
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
