import type { EventKind } from '../vcc/changes.ts';

// Agents' threads (`thread: agent`): where a message went, and each agent's root.

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
