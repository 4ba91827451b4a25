import type {
  Delivery,
  DeliveryStatus,
  NewEvent,
  PlannedDelivery,
  StoredEvent,
  StoredRefusal,
  Subscription,
  ThreadRole,
  QueueStats,
} from './Store.ts';
import { HELD_BY_HOURS } from './Store.ts';
import type { WhereTerm } from '../routing/conditions.ts';
import type { Mention, RouteHours } from '../routing/route.ts';
import { kindsOf, type EventKind } from '../vcc/changes.ts';
import { searchKey } from './eventSearch.ts';
import { storeInt } from './columnValues.ts';

/** Row shapes and their mapping, shared by the SQLite and Postgres stores. */
export interface EventRow {
  id: number | string;
  dedup_key: string;
  received_at: number | string;
  vcc_timestamp: string | null;
  user_id: string | null;
  kinds: string;
  payload: string;
}

export interface DeliveryRow {
  id: number | string;
  event_id: number | string;
  channel: string;
  kinds: string;
  show: string;
  mention: string;
  status: string;
  attempts: number;
  next_attempt_at: number | string;
  last_error: string | null;
  created_at: number | string;
  updated_at: number | string;
  retry_base: number;
  retry_since: number | string | null;
  thread: string | null;
  muted_by: number | string | null;
  ref?: string | null;
  thread_ref?: string | null;
  review?: number | string | boolean | null;
  hours: string | null;
}

export interface RefusalRow {
  id: number | string;
  received_at: number | string;
  method: string;
  status: number;
  code: string;
  message: string;
  path: string | null;
  body: string | null;
  content_type: string | null;
  remote_addr: string | null;
}

export function eventColumns(ev: NewEvent) {
  return {
    dedup_key: ev.dedupKey,
    received_at: storeInt(ev.receivedAt),
    vcc_timestamp: ev.vccTimestamp,
    user_id: ev.userId,
    kinds: JSON.stringify(kindsOf(ev.changes)),
    payload: JSON.stringify({ old: ev.old, new: ev.new, changes: ev.changes }),
    username_lc: searchKey(ev.new.username),
    email_lc: searchKey(ev.new.email),
    name_lc: searchKey(ev.new.name),
  };
}

export function toEvent(r: EventRow): StoredEvent {
  const p = JSON.parse(r.payload) as Pick<NewEvent, 'old' | 'new' | 'changes'>;
  return {
    id: Number(r.id),
    dedupKey: r.dedup_key,
    receivedAt: Number(r.received_at),
    vccTimestamp: r.vcc_timestamp,
    userId: r.user_id,
    kinds: JSON.parse(r.kinds) as EventKind[],
    old: p.old,
    new: p.new,
    changes: p.changes,
  };
}

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: Number(r.id),
    eventId: Number(r.event_id),
    channel: r.channel,
    kinds: JSON.parse(r.kinds) as EventKind[],
    show: JSON.parse(r.show) as string[],
    mention: JSON.parse(r.mention) as Mention[],
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: Number(r.next_attempt_at),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    retryBase: r.retry_base,
    retrySince: r.retry_since === null ? null : Number(r.retry_since),
    thread: (r.thread ?? null) as ThreadRole | null,
    mutedBy: r.muted_by === null || r.muted_by === undefined ? null : Number(r.muted_by),
    ref: r.ref ?? null,
    threadRef: r.thread_ref ?? null,
    ...(r.review === 1 || r.review === '1' || r.review === true ? { review: true as const } : {}),
    ...(r.hours ? { hours: JSON.parse(r.hours) as RouteHours[] } : {}),
  };
}

export function toRefusal(r: RefusalRow): StoredRefusal {
  return {
    id: Number(r.id),
    receivedAt: Number(r.received_at),
    method: r.method,
    status: r.status,
    code: r.code,
    message: r.message,
    path: r.path,
    body: r.body,
    contentType: r.content_type,
    remoteAddr: r.remote_addr,
  };
}

export interface SubscriptionRow {
  id: number | string;
  channel: string;
  events: string | null;
  where_terms: string;
  mention: string;
  created_by: string;
  created_at: number | string;
  review?: number | string | null;
}

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: Number(r.id),
    channel: r.channel,
    events: r.events ? (JSON.parse(r.events) as EventKind[]) : null,
    where: JSON.parse(r.where_terms) as WhereTerm[],
    mention: JSON.parse(r.mention) as Mention[],
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    ...(Number(r.review) === 1 ? { review: true as const } : {}),
  };
}

/**
 * The WHERE clause of a deliveries listing naming only the filters given (`event_id = ?`),
 * so the planner can use the index for each; `(? IS NULL OR col = ?)` forms cannot.
 * `param(i)` spells the i-th placeholder for the dialect (`?` or `$1`).
 */
export function deliveriesFilter(
  opts: { eventId?: number; status?: string; channel?: string; beforeId?: number },
  param: (i: number) => string,
): { where: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [col, op, v] of [
    ['event_id', '=', opts.eventId],
    ['status', '=', opts.status],
    ['channel', '=', opts.channel],
    ['id', '<', opts.beforeId],
  ] as const) {
    if (v === undefined) continue;
    values.push(v);
    parts.push(`${col} ${op} ${param(values.length)}`);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

/** Delivery rows grouped by event id (in row order), for `deliveriesOf`. */
export function byEvent(rows: DeliveryRow[]): Map<number, Delivery[]> {
  const out = new Map<number, Delivery[]>();
  for (const d of rows.map(toDelivery)) {
    const list = out.get(d.eventId);
    if (list) list.push(d);
    else out.set(d.eventId, [d]);
  }
  return out;
}

/**
 * A stored event queued for a channel now (`Store.resend`), in both dialects: `$name`
 * parameters, which each store turns into its own. A new delivery, or the event's delivery
 * to that channel pending again with its retries counted from now. No row: no such event.
 */
export const RESEND_SQL = `
  INSERT INTO deliveries (event_id, channel, kinds, show, mention, status, attempts, next_attempt_at, created_at, updated_at, review)
  SELECT id, CAST($channel AS TEXT), CAST($kinds AS TEXT), CAST($show AS TEXT), CAST($mention AS TEXT), 'pending', 0, CAST($now AS BIGINT), CAST($now AS BIGINT), CAST($now AS BIGINT), CAST($review AS INTEGER)
  FROM events WHERE id = $event
  ON CONFLICT (event_id, channel) DO UPDATE SET status = 'pending', kinds = excluded.kinds, show = excluded.show, mention = excluded.mention,
    review = excluded.review,
    retry_base = deliveries.attempts, retry_since = excluded.created_at, next_attempt_at = excluded.next_attempt_at,
    updated_at = excluded.updated_at, last_error = NULL, thread = NULL, muted_by = NULL, hours = NULL, ref = NULL, thread_ref = NULL
  RETURNING id, retry_since IS NOT NULL AS requeued`;

export const resendParams = (eventId: number, d: PlannedDelivery, now: number) => ({
  event: eventId,
  channel: d.channel,
  kinds: JSON.stringify(d.kinds),
  show: JSON.stringify(d.show),
  mention: JSON.stringify(d.mention ?? []),
  now,
  review: d.review ? 1 : 0,
});

/**
 * A channel's pending deliveries with their events, in event order (`duePending`), in both
 * dialects: `$name` parameters; `$after` -1 for the first page, else only due ones after it.
 */
export const DUE_PENDING_SQL = `
  SELECT d.*, e.id AS e_id, e.dedup_key, e.received_at, e.vcc_timestamp, e.user_id, e.kinds AS e_kinds, e.payload
  FROM deliveries d JOIN events e ON e.id = d.event_id
  WHERE d.channel = $channel AND d.status = 'pending' AND d.id > $after AND ($after < 0 OR d.next_attempt_at <= $now)
  ORDER BY d.id LIMIT $limit`;

export type DueRow = DeliveryRow & Omit<EventRow, 'id' | 'kinds'> & { e_id: number | string; e_kinds: string };

/** The due items of DUE_PENDING_SQL's rows: none when the first page's head is not yet due (order is kept). */
export function toDueItems(rows: DueRow[], now: number, firstPage: boolean) {
  if (rows.length === 0 || (firstPage && Number(rows[0]!.next_attempt_at) > now)) return [];
  return rows.map((r) => ({ delivery: toDelivery(r), event: toEvent({ ...r, id: r.e_id, kinds: r.e_kinds }) }));
}

/** queueStats in both dialects: pending, held (waiting out quiet hours), the oldest not held. */
export const QUEUE_STATS_SQL = `SELECT COUNT(*) AS n,
    SUM(CASE WHEN last_error LIKE '${HELD_BY_HOURS}%' THEN 1 ELSE 0 END) AS held,
    MIN(CASE WHEN last_error LIKE '${HELD_BY_HOURS}%' THEN NULL ELSE created_at END) AS oldest
  FROM deliveries WHERE status = 'pending'`;

export const toQueueStats = (r: {
  n: number | string;
  held: number | string | null;
  oldest: number | string | null;
}): QueueStats => ({
  pending: Number(r.n),
  held: Number(r.held ?? 0),
  oldestPendingCreatedAt: r.oldest === null ? null : Number(r.oldest),
});

/** How many refusals are kept; older ones are pruned so a flood cannot fill the disk. */
export const REFUSALS_KEPT = 10_000;
