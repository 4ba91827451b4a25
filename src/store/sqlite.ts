import {
  type Store,
  type StoredConversation,
  type Subscription,
  type ThreadRoot,
  type Mute,
  type NewMute,
} from './Store.ts';
import { editStep, IN_USERS, THREAD_SQL, toThreadRoot, type ThreadRootRow } from './threadSql.ts';
import { atNamed } from './eventSearch.ts';
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
import { SqliteWrites, type SqliteOptions } from './sqliteWrites.ts';
import { QUEUE_STATS_SQL, toQueueStats, toSubscription, type SubscriptionRow } from './rows.ts';
import type { QueueStats } from './Store.ts';
import type { EventKind } from '../vcc/changes.ts';
import type { Mention } from '../routing/route.ts';

import { SqliteEventStore } from './sqliteEvents.ts';

interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

export type { SqliteOptions };

/**
 * The embedded store. Durability: WAL with `synchronous=FULL`, so a commit is on disk when
 * it returns, and a write's promise resolves only after its commit (group commit in a writer
 * thread: sqliteWrites.ts). Reads use this thread's own connection (WAL lets them run beside
 * the writer).
 */
export class SqliteStore extends SqliteEventStore implements Store {
  readonly kind = 'sqlite' as const;

  /** Opens (creating file and folder), migrates, starts the writer. Throws StoreUnavailableError. */
  static async open(path: string, opts: SqliteOptions = {}): Promise<SqliteStore> {
    const { db, writes } = await SqliteWrites.open(path, opts);
    return new SqliteStore(db, writes);
  }

  async saveConversation(c: StoredConversation): Promise<void> {
    await this.writes.steps({ sql: atNamed(CONVERSATION_SQL.save), params: saveParams(c), mode: 'run' });
  }

  getConversation(id: string): Promise<StoredConversation | null> {
    return this.read(() => toConversation(this.prep(atNamed(CONVERSATION_SQL.get)).get({ id }) as ConversationRow));
  }

  listSubscriptions(): Promise<Subscription[]> {
    return this.read(() =>
      (this.prep('SELECT * FROM subscriptions ORDER BY id').all() as SubscriptionRow[]).map(toSubscription),
    );
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
    const [r] = await this.writes.steps({ sql: atNamed(LEASE_SQL.claim), params, mode: 'get' });
    return claimed(r as { last_send_at: number | null } | null);
  }

  async releaseChannel(channel: string, owner: string, lastSendAt: number | null): Promise<void> {
    await this.writes.steps({
      sql: atNamed(LEASE_SQL.release),
      params: { last: lastSendAt, channel, owner },
      mode: 'run',
    });
  }

  threadRoots(channel: string, userIds: readonly string[]): Promise<Map<string, ThreadRoot>> {
    return this.read(() => {
      const rows = this.prep(atNamed(THREAD_SQL.roots + IN_USERS.sqlite)).all({
        channel,
        users: JSON.stringify(userIds),
      }) as ThreadRootRow[];
      return new Map(rows.map((r) => [r.user_id, toThreadRoot(r)]));
    });
  }

  threadsOf(userId: string): Promise<ThreadRoot[]> {
    return this.read(() =>
      (this.prep(atNamed(THREAD_SQL.of)).all({ user: userId }) as ThreadRootRow[]).map(toThreadRoot),
    );
  }

  editsDue(channel: string, now: number, limit: number): Promise<ThreadRoot[]> {
    return this.read(() =>
      (this.prep(atNamed(THREAD_SQL.editsDue)).all({ channel, now, limit }) as ThreadRootRow[]).map(toThreadRoot),
    );
  }

  async markEdit(
    channel: string,
    userId: string,
    result: { editedAt: number } | { error: string; nextAt: number | null },
  ): Promise<void> {
    const step = editStep(channel, userId, result);
    await this.writes.steps({ sql: atNamed(step.sql), params: step.params, mode: 'run' });
  }

  chatSettings<K extends ChatSetting>(what: K): Promise<Map<string, ChatSettings[K]>> {
    return this.read(() =>
      toChatSettings<K>(this.prep(chatListSql(what)).all() as Array<{ channel: string; settings: string }>),
    );
  }

  async setChatSetting<K extends ChatSetting>(
    what: K,
    channel: string,
    settings: ChatSettings[K] | null,
    by: string,
    at: number,
  ): Promise<void> {
    const step = chatSettingStep(what, channel, settings, by, at);
    await this.writes.steps({ sql: atNamed(step.sql), params: step.params, mode: 'run' });
  }

  async dropRoot(channel: string, userId: string, ref: string): Promise<void> {
    await this.writes.steps({ sql: atNamed(THREAD_SQL.drop), params: { channel, user: userId, ref }, mode: 'run' });
  }

  addMute(m: NewMute): Promise<number> {
    return stepWrites.addMute(this, m);
  }

  openReview(r: NewReview): Promise<Review> {
    return stepWrites.openReview(this, r);
  }

  async getReview(id: number): Promise<Review | null> {
    const [r] = await this.rows<ReviewRow>(REVIEW_SQL.get, { id });
    return r ? toReview(r) : null;
  }

  async reviewOf(eventId: number, channel: string): Promise<Review | null> {
    const [r] = await this.rows<ReviewRow>(REVIEW_SQL.of, { event: eventId, channel });
    return r ? toReview(r) : null;
  }

  async dueReviews(now: number, limit: number): Promise<Review[]> {
    return (await this.rows<ReviewRow>(REVIEW_SQL.due, { now, limit })).map(toReview);
  }

  listReviews(f: ReviewFilter & { afterId?: number; limit: number }): Promise<Review[]> {
    return this.read(() => (this.prep(atNamed(REVIEW_LIST_SQL)).all(reviewListParams(f)) as ReviewRow[]).map(toReview));
  }

  pruneReviews(before: number, limit: number): Promise<number> {
    return stepWrites.pruneReviews(this, before, limit);
  }

  async pendingReviews(): Promise<Map<string, number>> {
    const rows = await this.rows<{ channel: string; n: number }>(REVIEW_SQL.pending, {});
    return new Map(rows.map((r) => [r.channel, Number(r.n)]));
  }

  async sessionByHash(hash: string): Promise<AdminSession | null> {
    const [r] = await this.rows<SessionRow>(SESSION_SQL.byHash, { hash });
    return r ? toSession(r) : null;
  }

  async listSessions(since: number, limit: number): Promise<AdminSession[]> {
    return (await this.rows<SessionRow>(SESSION_SQL.live, { since, limit })).map(toSession);
  }

  listAudit(f: AuditFilter & { afterId?: number; limit: number }): Promise<StoredAudit[]> {
    return this.read(() => (this.prep(atNamed(AUDIT_LIST_SQL)).all(auditListParams(f)) as AuditRow[]).map(toAudit));
  }

  pruneAudit(before: number, limit: number): Promise<number> {
    return stepWrites.pruneAudit(this, before, limit);
  }

  listMutes(opts: { activeAt?: number; limit?: number }): Promise<Mute[]> {
    return this.read(() =>
      (opts.activeAt !== undefined
        ? (this.prep(atNamed(MUTE_SQL.active)).all({ now: opts.activeAt }) as MuteRow[])
        : (this.prep(atNamed(MUTE_SQL.all)).all({ limit: opts.limit ?? 100 }) as MuteRow[])
      ).map(toMute),
    );
  }

  releaseHeld(muteId: number, now: number): Promise<number> {
    return stepWrites.releaseHeld(this, muteId, now);
  }

  expireMute(id: number, now: number): Promise<boolean> {
    return stepWrites.expireMute(this, id, now);
  }

  async prune(before: number, limit: number): Promise<{ events: number; refusals: number }> {
    const old = `SELECT id FROM events e WHERE e.received_at < @before
                 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
                 ORDER BY e.received_at LIMIT @limit`;
    const [, events, refusals] = await this.writes.steps(
      { sql: `DELETE FROM deliveries WHERE event_id IN (${old})`, params: { before, limit }, mode: 'run' },
      { sql: `DELETE FROM events WHERE id IN (${old})`, params: { before, limit }, mode: 'run' },
      {
        sql: 'DELETE FROM refusals WHERE id IN (SELECT id FROM refusals WHERE received_at < @before ORDER BY received_at LIMIT @limit)',
        params: { before, limit },
        mode: 'run',
      },
    );
    return { events: (events as RunResult).changes, refusals: (refusals as RunResult).changes };
  }

  queueStats(): Promise<QueueStats> {
    return this.read(() => toQueueStats(this.prep(QUEUE_STATS_SQL).get() as Parameters<typeof toQueueStats>[0]));
  }

  async ping(): Promise<void> {
    await this.writes.steps({ sql: 'SELECT 1 AS one', mode: 'get' });
  }

  /** Waits for queued writes to commit, then stops the writer and closes the connection. */
  close(): Promise<void> {
    return this.writes.close();
  }
}
