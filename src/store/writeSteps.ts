import type { NewMute, PlannedDelivery, Subscription } from './Store.ts';
import type { EventKind } from '../vcc/changes.ts';
import type { Mention } from '../routing/route.ts';
import { firstId, type Transactions, type TxResult, type TxStep } from './TxStep.ts';
import { addMuteParams, MUTE_SQL } from './muteSql.ts';
import { RESEND_SQL, resendParams } from './rows.ts';
import { AUDIT_PRUNE_SQL } from './auditSql.ts';
import { openParams, REVIEW_PRUNE_SQL, REVIEW_SQL, toReview, type ReviewRow } from './reviewSql.ts';
import type { NewReview, Review } from '../domain/reviews.ts';

// The writes people make (src/actions/), as transaction steps: the store's own methods run
// them alone, an action runs them with its audit entry (auditSql.ts) in one transaction.

export const muteSteps = {
  /** Returns the new mute's `id`. */
  add: (m: NewMute): TxStep => ({ sql: MUTE_SQL.add, params: addMuteParams(m), returns: 'rows' }),
  /** Needs a mute in force with that id. */
  expire: (id: number, now: number): TxStep => ({
    sql: MUTE_SQL.expire,
    params: { now, id },
    returns: 'rows',
    needs: true,
  }),
  /** Returns a row per delivery queued. */
  release: (id: number, now: number): TxStep => ({ sql: MUTE_SQL.release, params: { now, id }, returns: 'rows' }),
};

export const subscriptionSteps = {
  /** Returns the new subscription's `id`. */
  add: (s: Omit<Subscription, 'id'>): TxStep => ({
    sql: `INSERT INTO subscriptions (channel, events, where_terms, mention, created_by, created_at, review)
          VALUES ($channel, $events, $terms, $mention, $by, $at, $review) RETURNING id`,
    params: {
      channel: s.channel,
      events: s.events ? JSON.stringify(s.events) : null,
      terms: JSON.stringify(s.where),
      mention: JSON.stringify(s.mention),
      by: s.createdBy,
      at: s.createdAt,
      review: s.review ? 1 : 0,
    },
    returns: 'rows',
  }),
  /** Sets a subscription's kinds (an empty list deletes it) and, when given, its mentions. */
  setEvents: (id: number, events: EventKind[] | null, mention?: Mention[]): TxStep =>
    events && events.length === 0
      ? { sql: 'DELETE FROM subscriptions WHERE id = $id', params: { id }, returns: 'count' }
      : {
          sql: 'UPDATE subscriptions SET events = $events, mention = COALESCE($mention, mention) WHERE id = $id',
          params: {
            events: events ? JSON.stringify(events) : null,
            mention: mention ? JSON.stringify(mention) : null,
            id,
          },
          returns: 'count',
        },
};

/** `ids` as JSON text: each dialect reads it as a list. */
const REPLAY_WHERE = {
  sqlite: 'AND ($ids IS NULL OR id IN (SELECT value FROM json_each($ids)))',
  postgres: 'AND ($ids::text IS NULL OR id IN (SELECT value::bigint FROM json_array_elements_text($ids::json)))',
};
const replaySql = (dialect: 'sqlite' | 'postgres') =>
  `UPDATE deliveries SET status = 'pending', retry_base = attempts, retry_since = $now, next_attempt_at = $now, updated_at = $now
   WHERE status = 'dead' AND (CAST($channel AS TEXT) IS NULL OR channel = $channel)
     AND (CAST($since AS BIGINT) IS NULL OR updated_at >= $since) ${REPLAY_WHERE[dialect]} RETURNING id`;

export const deliverySteps = {
  /** Re-queues dead deliveries (attempts keep counting; retries count from now); a row per delivery. */
  replay: (opts: { channel?: string; since?: number; ids?: readonly number[] }, now: number): TxStep => ({
    sql: { sqlite: replaySql('sqlite'), postgres: replaySql('postgres') },
    params: {
      now,
      channel: opts.channel ?? null,
      since: opts.since ?? null,
      ids: opts.ids ? JSON.stringify(opts.ids) : null,
    },
    returns: 'rows',
  }),
  /** See EventStore.resend: one row (`id`, `requeued`), none when there is no such event. */
  resend: (eventId: number, d: PlannedDelivery, now: number): TxStep => ({
    sql: RESEND_SQL,
    params: resendParams(eventId, d, now),
    returns: 'rows',
  }),
};

/** The store methods that run one of these steps alone (both dialects share them). */
export const stepWrites = {
  async addMute(t: Transactions, m: NewMute): Promise<number> {
    return firstId((await t.transaction([muteSteps.add(m)]))![0])!;
  },
  async expireMute(t: Transactions, id: number, now: number): Promise<boolean> {
    return (await t.transaction([muteSteps.expire(id, now)])) !== null;
  },
  async releaseHeld(t: Transactions, id: number, now: number): Promise<number> {
    return rowsOf((await t.transaction([muteSteps.release(id, now)]))![0]).length;
  },
  async addSubscription(t: Transactions, s: Omit<Subscription, 'id'>): Promise<number> {
    return firstId((await t.transaction([subscriptionSteps.add(s)]))![0])!;
  },
  async setSubscriptionEvents(t: Transactions, id: number, events: EventKind[] | null, mention?: Mention[]) {
    await t.transaction([subscriptionSteps.setEvents(id, events, mention)]);
  },
  async replayDead(t: Transactions, opts: Parameters<typeof deliverySteps.replay>[0], now: number): Promise<number> {
    return rowsOf((await t.transaction([deliverySteps.replay(opts, now)]))![0]).length;
  },
  async openReview(t: Transactions, r: NewReview): Promise<Review> {
    const [, rows] = (await t.transaction([
      { sql: REVIEW_SQL.open, params: openParams(r), returns: 'count' },
      { sql: REVIEW_SQL.of, params: { event: r.eventId, channel: r.channel }, returns: 'rows' },
    ]))!;
    return toReview(rowsOf(rows)[0] as unknown as ReviewRow);
  },
  async pruneReviews(t: Transactions, before: number, limit: number): Promise<number> {
    return (await t.transaction([
      { sql: REVIEW_PRUNE_SQL, params: { before, limit }, returns: 'count' },
    ]))![0] as number;
  },
  async pruneAudit(t: Transactions, before: number, limit: number): Promise<number> {
    return (await t.transaction([{ sql: AUDIT_PRUNE_SQL, params: { before, limit }, returns: 'count' }]))![0] as number;
  },
  async resend(t: Transactions, eventId: number, d: PlannedDelivery, now: number) {
    return resendResult((await t.transaction([deliverySteps.resend(eventId, d, now)]))![0]);
  },
};

/** A resend step's result: the delivery and whether it existed before, or null (no such event). */
export function resendResult(r: TxResult[number] | undefined): { deliveryId: number; requeued: boolean } | null {
  const row = rowsOf(r)[0];
  return row ? { deliveryId: Number(row.id), requeued: row.requeued === true || row.requeued === 1 } : null;
}

export const rowsOf = (r: TxResult[number] | undefined): Record<string, unknown>[] => (Array.isArray(r) ? r : []);
