import {
  StoreUnavailableError,
  type Store,
  type StoredConversation,
  type Subscription,
  type ThreadRoot,
  type Mute,
  type NewMute,
} from './Store.ts';
import { editStep, IN_USERS, THREAD_SQL, toThreadRoot, type ThreadRootRow } from './threadSql.ts';
import { numbered } from './eventSearch.ts';
import { chatListSql, chatSettingStep, toChatSettings } from './chatSettingsSql.ts';
import type { ChatSetting, ChatSettings } from '../domain/chat.ts';
import { MUTE_SQL, toMute, type MuteRow } from './muteSql.ts';
import { stepWrites } from './writeSteps.ts';
import {
  REVIEW_LIST_SQL,
  REVIEW_SQL,
  reviewListParams,
  toReview,
  type ReviewFilter,
  type ReviewRow,
} from './reviewSql.ts';
import type { NewReview, Review } from '../domain/reviews.ts';
import { SESSION_SQL, toSession, type SessionRow } from './sessionSql.ts';
import type { AdminSession } from '../domain/sessions.ts';
import { claimed, LEASE_SQL } from './leaseSql.ts';
import { CONVERSATION_SQL, saveParams, toConversation, type ConversationRow } from './conversationSql.ts';
import { AUDIT_LIST_SQL, auditListParams, toAudit, type AuditRow } from './auditSql.ts';
import type { AuditFilter, StoredAudit } from '../domain/audit.ts';
import { QUEUE_STATS_SQL, toQueueStats, toSubscription, type SubscriptionRow } from './rows.ts';
import type { QueueStats } from './Store.ts';
import type { EventKind } from '../vcc/changes.ts';
import type { Mention } from '../routing/route.ts';
import { pgMigrate, pgPools, pgWritable } from './pgPools.ts';
import { pgUnavailable as unavailable } from './pgBoundary.ts';

import { PgEventStore } from './pgEvents.ts';

/**
 * The shared store for several instances (`DATABASE_URL=postgres://...`). Every write is its
 * own transaction, committed (and so synced, with the server's default synchronous_commit)
 * before the promise resolves. Dedup is the unique `dedup_key`, so it holds across
 * instances; channel leases make one instance at a time work a channel. Every string
 * parameter goes through pgText, so a NUL from a sender cannot fail its write forever.
 */
export class PostgresStore extends PgEventStore implements Store {
  readonly kind = 'postgres' as const;

  /** Connects and migrates. Throws StoreUnavailableError (without the URL, which may hold a password). */
  static async open(url: string, opts: { max?: number; writeTimeoutMs?: number } = {}): Promise<PostgresStore> {
    const writeTimeoutMs = opts.writeTimeoutMs ?? 5_000;
    const { pool, ingestPool } = pgPools(url, opts.max ?? 10, writeTimeoutMs);
    const store = new PostgresStore(pool, ingestPool);
    try {
      await store.tx(pgMigrate);
    } catch (e) {
      await Promise.all([pool.end().catch(() => {}), ingestPool.end().catch(() => {})]);
      throw e instanceof StoreUnavailableError ? e : unavailable(e, 'cannot open the Postgres store');
    }
    return store;
  }

  async saveConversation(c: StoredConversation): Promise<void> {
    await this.q(...numbered(CONVERSATION_SQL.save, saveParams(c)));
  }

  async getConversation(id: string): Promise<StoredConversation | null> {
    return toConversation((await this.q<ConversationRow>(...numbered(CONVERSATION_SQL.get, { id })))[0]);
  }

  async listSubscriptions(): Promise<Subscription[]> {
    return (await this.q<SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id')).map(toSubscription);
  }

  addSubscription(s: Omit<Subscription, 'id'>): Promise<number> {
    return stepWrites.addSubscription(this, s);
  }

  setSubscriptionEvents(id: number, events: EventKind[] | null, mention?: Mention[]): Promise<void> {
    return stepWrites.setSubscriptionEvents(this, id, events, mention);
  }

  async claimChannel(
    channel: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<{ lastSendAt: number | null } | null> {
    const params = { channel, owner, until: now + leaseMs, now };
    return claimed((await this.q<{ last_send_at: number | null }>(...numbered(LEASE_SQL.claim, params)))[0]);
  }

  async releaseChannel(channel: string, owner: string, lastSendAt: number | null): Promise<void> {
    await this.q(...numbered(LEASE_SQL.release, { last: lastSendAt, channel, owner }));
  }

  async threadRoots(channel: string, userIds: readonly string[]): Promise<Map<string, ThreadRoot>> {
    const rows = await this.q<ThreadRootRow>(
      ...numbered(THREAD_SQL.roots + IN_USERS.postgres, { channel, users: JSON.stringify(userIds) }),
    );
    return new Map(rows.map((r) => [r.user_id, toThreadRoot(r)]));
  }

  async threadsOf(userId: string): Promise<ThreadRoot[]> {
    return (await this.q<ThreadRootRow>(...numbered(THREAD_SQL.of, { user: userId }))).map(toThreadRoot);
  }

  async editsDue(channel: string, now: number, limit: number): Promise<ThreadRoot[]> {
    return (await this.q<ThreadRootRow>(...numbered(THREAD_SQL.editsDue, { channel, now, limit }))).map(toThreadRoot);
  }

  async markEdit(
    channel: string,
    userId: string,
    result: { editedAt: number } | { error: string; nextAt: number | null },
  ): Promise<void> {
    const step = editStep(channel, userId, result);
    await this.q(...numbered(step.sql, step.params));
  }

  async chatSettings<K extends ChatSetting>(what: K): Promise<Map<string, ChatSettings[K]>> {
    return toChatSettings<K>(await this.q<{ channel: string; settings: string }>(chatListSql(what)));
  }

  async setChatSetting<K extends ChatSetting>(
    what: K,
    channel: string,
    settings: ChatSettings[K] | null,
    by: string,
    at: number,
  ): Promise<void> {
    const step = chatSettingStep(what, channel, settings, by, at);
    await this.q(...numbered(step.sql, step.params));
  }

  async dropRoot(channel: string, userId: string, ref: string): Promise<void> {
    await this.q(...numbered(THREAD_SQL.drop, { channel, user: userId, ref }));
  }

  addMute(m: NewMute): Promise<number> {
    return stepWrites.addMute(this, m);
  }

  openReview(r: NewReview): Promise<Review> {
    return stepWrites.openReview(this, r);
  }

  async getReview(id: number): Promise<Review | null> {
    const [r] = await this.q<ReviewRow>(...numbered(REVIEW_SQL.get, { id }));
    return r ? toReview(r) : null;
  }

  async reviewOf(eventId: number, channel: string): Promise<Review | null> {
    const [r] = await this.q<ReviewRow>(...numbered(REVIEW_SQL.of, { event: eventId, channel }));
    return r ? toReview(r) : null;
  }

  async dueReviews(now: number, limit: number): Promise<Review[]> {
    return (await this.q<ReviewRow>(...numbered(REVIEW_SQL.due, { now, limit }))).map(toReview);
  }

  async listReviews(f: ReviewFilter & { afterId?: number; limit: number }): Promise<Review[]> {
    return (await this.q<ReviewRow>(...numbered(REVIEW_LIST_SQL, reviewListParams(f)))).map(toReview);
  }

  pruneReviews(before: number, limit: number): Promise<number> {
    return stepWrites.pruneReviews(this, before, limit);
  }

  async sessionByHash(hash: string): Promise<AdminSession | null> {
    const [r] = await this.rows<SessionRow>(SESSION_SQL.byHash, { hash });
    return r ? toSession(r) : null;
  }

  async listSessions(since: number, limit: number): Promise<AdminSession[]> {
    return (await this.rows<SessionRow>(SESSION_SQL.live, { since, limit })).map(toSession);
  }

  async pendingReviews(): Promise<Map<string, number>> {
    const rows = await this.q<{ channel: string; n: string }>(REVIEW_SQL.pending);
    return new Map(rows.map((r) => [r.channel, Number(r.n)]));
  }

  async listAudit(f: AuditFilter & { afterId?: number; limit: number }): Promise<StoredAudit[]> {
    return (await this.q<AuditRow>(...numbered(AUDIT_LIST_SQL, auditListParams(f)))).map(toAudit);
  }

  pruneAudit(before: number, limit: number): Promise<number> {
    return stepWrites.pruneAudit(this, before, limit);
  }

  async listMutes(opts: { activeAt?: number; limit?: number }): Promise<Mute[]> {
    const rows =
      opts.activeAt !== undefined
        ? await this.q<MuteRow>(...numbered(MUTE_SQL.active, { now: opts.activeAt }))
        : await this.q<MuteRow>(...numbered(MUTE_SQL.all, { limit: opts.limit ?? 100 }));
    return rows.map(toMute);
  }

  releaseHeld(muteId: number, now: number): Promise<number> {
    return stepWrites.releaseHeld(this, muteId, now);
  }

  expireMute(id: number, now: number): Promise<boolean> {
    return stepWrites.expireMute(this, id, now);
  }

  prune(before: number, limit: number): Promise<{ events: number; refusals: number }> {
    return this.tx(async (c) => {
      const old = await c.query<{ id: number }>(
        `SELECT id FROM events e WHERE e.received_at < $1
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
           ORDER BY e.received_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [before, limit],
      );
      const ids = old.rows.map((r) => r.id);
      await c.query('DELETE FROM deliveries WHERE event_id = ANY($1::bigint[])', [ids]);
      const events = (await c.query('DELETE FROM events WHERE id = ANY($1::bigint[])', [ids])).rowCount ?? 0;
      const refusals =
        (
          await c.query(
            'DELETE FROM refusals WHERE id IN (SELECT id FROM refusals WHERE received_at < $1 ORDER BY received_at LIMIT $2)',
            [before, limit],
          )
        ).rowCount ?? 0;
      return { events, refusals };
    });
  }

  async queueStats(): Promise<QueueStats> {
    const [r] = await this.q<Parameters<typeof toQueueStats>[0]>(QUEUE_STATS_SQL);
    return toQueueStats(r!);
  }

  /** Whether an ingest could commit now (see pgWritable). */
  async ping(): Promise<void> {
    await pgWritable(this.ingestPool);
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.ingestPool.end()]);
  }
}
