import type { SentInThread, ThreadRoot } from './Store.ts';

/**
 * The thread roots' statements in both dialects: `$name` parameters, which each store turns
 * into its own (atNamed, numbered). `IN_USERS` is the one part the dialects write differently.
 */
export const THREAD_SQL = {
  roots: 'SELECT * FROM thread_roots WHERE channel = $channel AND user_id IN ',
  of: 'SELECT * FROM thread_roots WHERE user_id = $user ORDER BY channel',
  editsDue: `SELECT * FROM thread_roots WHERE channel = $channel AND edit_due_at <= $now
             ORDER BY edit_due_at LIMIT $limit`,
  start: `INSERT INTO thread_roots (channel, user_id, ref, started_at, last_at, changes, last_event_id, edit_attempts)
          VALUES ($channel, $user, $ref, $now, $now, $changes, $event, 0)
          ON CONFLICT (channel, user_id) DO UPDATE SET ref = excluded.ref, started_at = excluded.started_at,
            last_at = excluded.last_at, changes = excluded.changes, last_event_id = excluded.last_event_id,
            edit_due_at = NULL, edit_attempts = 0, edit_error = NULL, edited_at = NULL`,
  add: `UPDATE thread_roots SET changes = changes + $changes, last_at = $now, last_event_id = $event,
          edit_due_at = CASE WHEN $edit = 1 THEN CAST($now AS BIGINT) ELSE edit_due_at END
        WHERE channel = $channel AND user_id = $user`,
  edited: `UPDATE thread_roots SET edit_due_at = NULL, edit_attempts = 0, edit_error = NULL, edited_at = $at
           WHERE channel = $channel AND user_id = $user`,
  editFailed: `UPDATE thread_roots SET edit_due_at = $next, edit_attempts = edit_attempts + 1, edit_error = $error
               WHERE channel = $channel AND user_id = $user`,
  drop: `UPDATE thread_roots SET ref = '', replaced = replaced + 1, edit_due_at = NULL
         WHERE channel = $channel AND user_id = $user AND ref = $ref`,
} as const;

/** `user_id IN` a JSON array of ids (`$users`), per dialect. */
export const IN_USERS = {
  sqlite: '(SELECT value FROM json_each($users))',
  postgres: '(SELECT json_array_elements_text(CAST($users AS json)))',
} as const;

/** The statements `markSent` runs after its update for what a send changed in its threads. */
export function sentInThreadSteps(t: SentInThread & { channel: string }, now: number) {
  return t.roots.map((r) =>
    r.ref !== undefined
      ? {
          sql: THREAD_SQL.start,
          params: { channel: t.channel, user: r.userId, ref: r.ref, now, changes: r.changes, event: r.lastEventId },
        }
      : {
          sql: THREAD_SQL.add,
          params: {
            changes: r.changes,
            now,
            event: r.lastEventId,
            edit: t.edit ? 1 : 0,
            channel: t.channel,
            user: r.userId,
          },
        },
  );
}

/** The params of markEdit's statement. */
export function editStep(
  channel: string,
  userId: string,
  result: { editedAt: number } | { error: string; nextAt: number | null },
) {
  return 'editedAt' in result
    ? { sql: THREAD_SQL.edited, params: { at: result.editedAt, channel, user: userId } }
    : { sql: THREAD_SQL.editFailed, params: { next: result.nextAt, error: result.error, channel, user: userId } };
}

export interface ThreadRootRow {
  channel: string;
  user_id: string;
  ref: string;
  started_at: number | string;
  last_at: number | string;
  changes: number;
  last_event_id: number | string;
  edit_due_at: number | string | null;
  edit_attempts: number;
  edit_error: string | null;
  edited_at: number | string | null;
  replaced: number;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toThreadRoot(r: ThreadRootRow): ThreadRoot {
  return {
    channel: r.channel,
    userId: r.user_id,
    ref: r.ref,
    startedAt: Number(r.started_at),
    lastAt: Number(r.last_at),
    changes: Number(r.changes),
    lastEventId: Number(r.last_event_id),
    editDueAt: num(r.edit_due_at),
    editAttempts: Number(r.edit_attempts),
    editError: r.edit_error,
    editedAt: num(r.edited_at),
    replaced: Number(r.replaced),
  };
}
