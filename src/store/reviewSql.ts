import type { Decider, NewReview, OwedReply, Review, ReviewStatus } from '../domain/reviews.ts';
import type { TxStep } from './TxStep.ts';

/** Reviews, read (decisions are written with their audit entry: `reviewSteps`). */
export interface ReviewStore {
  /** Opens the event's review in the channel, or returns the one it has (one per event and channel). */
  openReview(r: NewReview): Promise<Review>;
  getReview(id: number): Promise<Review | null>;
  /** The event's review in a channel, if it has one. */
  reviewOf(eventId: number, channel: string): Promise<Review | null>;
  /** Pending review requests, counted by channel. */
  pendingReviews(): Promise<Map<string, number>>;
  /** Pending reviews whose next reminder is due at `now` (none owed), then those whose owed reply is, oldest due first. */
  dueReviews(now: number, limit: number): Promise<Review[]>;
  /** Reviews matching the filter, oldest first, after `afterId` (keyset pages), at most `limit`. */
  listReviews(f: ReviewFilter & { afterId?: number; limit: number }): Promise<Review[]>;
  /** Deletes at most `limit` of the decided or escalated reviews asked before `before`; returns how many went. */
  pruneReviews(before: number, limit: number): Promise<number>;
}

/** What a review listing filters on (every given filter holds); `overdue`: pending and reminded at least once. */
export interface ReviewFilter {
  status?: ReviewStatus | 'overdue';
  channel?: string;
  since?: number;
  until?: number;
}

export const REVIEW_LIST_SQL = `
  SELECT * FROM reviews
  WHERE id > $after AND asked_at >= $since AND asked_at < $until
    AND (CAST($channel AS TEXT) IS NULL OR channel = $channel)
    AND (CAST($status AS TEXT) IS NULL OR status = $status
         OR ($status = 'overdue' AND status = 'pending' AND (reminders_sent > 0 OR escalated_at IS NOT NULL)))
  ORDER BY id LIMIT $limit`;

export const reviewListParams = (f: ReviewFilter & { afterId?: number; limit: number }) => ({
  after: f.afterId ?? 0,
  since: f.since ?? 0,
  until: f.until ?? Number.MAX_SAFE_INTEGER,
  channel: f.channel ?? null,
  status: f.status ?? null,
  limit: f.limit,
});

/** Reviews past retention: decided, or escalated, and asked before `$before` (a pending one is kept). */
export const REVIEW_PRUNE_SQL = `DELETE FROM reviews WHERE id IN (
  SELECT id FROM reviews WHERE asked_at < $before AND (status <> 'pending' OR escalated_at IS NOT NULL)
  ORDER BY asked_at, id LIMIT $limit)`;

export const REVIEW_SQL = {
  open: `INSERT INTO reviews (event_id, channel, user_id, username, email, what, asked_at, status, next_remind_at)
         VALUES ($event, $channel, $user, $username, $email, $what, $at, 'pending', $remind)
         ON CONFLICT (event_id, channel) DO NOTHING`,
  of: 'SELECT * FROM reviews WHERE event_id = $event AND channel = $channel',
  get: 'SELECT * FROM reviews WHERE id = $id',
  pending: "SELECT channel, COUNT(*) AS n FROM reviews WHERE status = 'pending' GROUP BY channel",
  due: `SELECT * FROM (
          SELECT * FROM (SELECT * FROM reviews WHERE next_remind_at <= $now AND status = 'pending' AND owed IS NULL
                         ORDER BY next_remind_at, id LIMIT $limit) AS reminders
          UNION ALL
          SELECT * FROM (SELECT * FROM reviews WHERE owed_at <= $now AND owed IS NOT NULL
                         ORDER BY owed_at, id LIMIT $limit) AS owed
        ) AS due ORDER BY COALESCE(owed_at, next_remind_at), id LIMIT $limit`,
} as const;

export const openParams = (r: NewReview) => ({
  event: r.eventId,
  channel: r.channel,
  user: r.userId,
  username: r.username,
  email: r.email,
  what: JSON.stringify(r.what),
  at: r.askedAt,
  remind: r.nextRemindAt,
});

export const reviewSteps = {
  /** The decision, once: changes nothing (and the transaction gives null) unless the review in `channel` is pending. */
  decide: (
    id: number,
    channel: string,
    d: { status: Exclude<ReviewStatus, 'pending'>; by: Decider; at: number; reason: string | null },
  ): TxStep => ({
    sql: `UPDATE reviews SET status = $status, decided_platform = $platform, decided_id = $who, decided_name = $name,
            decided_at = $at, reason = $reason, next_remind_at = NULL, owed = NULL, owed_at = NULL
          WHERE id = $id AND channel = $channel AND status = 'pending' RETURNING *`,
    params: {
      status: d.status,
      platform: d.by.platform,
      who: d.by.id,
      name: d.by.name,
      at: d.at,
      reason: d.reason,
      id,
      channel,
    },
    returns: 'rows',
    needs: true,
  }),
};

/**
 * A due reminder, claimed once (only the instance whose UPDATE still sees `was` gets the row):
 * the next reminder while fewer than `max` were sent, else the escalation (no more reminders).
 * Either is then owed (from `retryAt`, if its reply is not sent before) until `owedSentStep`.
 */
export function remindStep(r: Review, d: { max: number; next: number; now: number; retryAt: number }): TxStep {
  const reminding = 'reminders_sent < CAST($max AS INTEGER)';
  return {
    sql: `UPDATE reviews SET
            reminders_sent = CASE WHEN ${reminding} THEN reminders_sent + 1 ELSE reminders_sent END,
            escalated_at = CASE WHEN ${reminding} THEN escalated_at ELSE CAST($now AS BIGINT) END,
            next_remind_at = CASE WHEN ${reminding} THEN CAST($next AS BIGINT) ELSE NULL END,
            owed = CASE WHEN ${reminding} THEN 'remind' ELSE 'escalate' END,
            owed_at = CAST($retry AS BIGINT), owed_tries = 1
          WHERE id = $id AND status = 'pending' AND owed IS NULL AND next_remind_at = CAST($was AS BIGINT) RETURNING *`,
    params: { max: d.max, now: d.now, next: d.next, retry: d.retryAt, id: r.id, was: r.nextRemindAt },
    returns: 'rows',
    needs: true,
  };
}

/** An owed reply's next try, claimed once (as remindStep): tried again from `retryAt` if this one fails too. */
export function owedTryStep(r: Review, retryAt: number): TxStep {
  return {
    sql: `UPDATE reviews SET owed_at = CAST($retry AS BIGINT), owed_tries = owed_tries + 1
          WHERE id = $id AND owed = $owed AND owed_at = CAST($was AS BIGINT) RETURNING *`,
    params: { retry: retryAt, id: r.id, owed: r.owed, was: r.owedAt },
    returns: 'rows',
    needs: true,
  };
}

/**
 * The owed reply `owed` is settled: sent, given up, or moot (the request was decided). Sent
 * late, it moves the next reminder to `next` (remind_after from now), so two do not come at once.
 */
export function owedSettledStep(r: Review, owed: OwedReply, next: number | null = null): TxStep {
  return {
    sql: `UPDATE reviews SET owed = NULL, owed_at = NULL,
            next_remind_at = CASE WHEN next_remind_at IS NULL THEN NULL ELSE COALESCE(CAST($next AS BIGINT), next_remind_at) END
          WHERE id = $id AND owed = $owed`,
    params: { id: r.id, owed, next },
    returns: 'count',
  };
}

/** A due reminder put off until `until` (the request's hours are quiet now): only if still due as read. */
export function postponeStep(r: Review, until: number): TxStep {
  return {
    sql: `UPDATE reviews SET next_remind_at = CAST($until AS BIGINT)
          WHERE id = $id AND status = 'pending' AND next_remind_at = CAST($was AS BIGINT)`,
    params: { until, id: r.id, was: r.nextRemindAt },
    returns: 'count',
  };
}

export interface ReviewRow {
  id: number | string;
  event_id: number | string;
  channel: string;
  user_id: string | null;
  username: string | null;
  email: string | null;
  what: string;
  asked_at: number | string;
  status: string;
  decided_platform: string | null;
  decided_id: string | null;
  decided_name: string | null;
  decided_at: number | string | null;
  reason: string | null;
  reminders_sent: number | string;
  next_remind_at: number | string | null;
  escalated_at: number | string | null;
  owed?: string | null;
  owed_at?: number | string | null;
  owed_tries?: number | string;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

export const toReview = (r: ReviewRow): Review => ({
  id: Number(r.id),
  eventId: Number(r.event_id),
  channel: r.channel,
  userId: r.user_id,
  username: r.username,
  email: r.email,
  what: JSON.parse(r.what) as string[],
  askedAt: Number(r.asked_at),
  status: r.status as ReviewStatus,
  decidedBy: r.decided_name === null ? null : { platform: r.decided_platform, id: r.decided_id, name: r.decided_name },
  decidedAt: num(r.decided_at),
  reason: r.reason,
  remindersSent: Number(r.reminders_sent),
  nextRemindAt: num(r.next_remind_at),
  escalatedAt: num(r.escalated_at),
  owed: (r.owed ?? null) as OwedReply | null,
  owedAt: num(r.owed_at ?? null),
  owedTries: Number(r.owed_tries ?? 0),
});
