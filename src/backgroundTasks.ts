import type { Logger } from 'pino';
import type { Env } from './config/settings.ts';
import { INDEX_BATCH } from './store/eventSearch.ts';
import type { Store } from './store/Store.ts';
import type { Subscriptions } from './chat/Subscriptions.ts';
import { RepeatedLog } from './delivery/repeatedLog.ts';

/** How often chat subscriptions are re-read from the store (changes made on other instances). */
const SUBSCRIPTION_REFRESH_MS = 5_000;
/** How often old events are pruned (RETENTION_DAYS), in batches of this many rows with a pause between. */
const PRUNE_EVERY_MS = 6 * 3_600_000;
const PRUNE_BATCH = 2_000;
const PRUNE_PAUSE_MS = 20;
/** How often new events are indexed for search, and how old an event must be to be indexed. */
const INDEX_EVERY_MS = 2_000;
const INDEX_LAG_MS = 5_000;

/** Periodic work: re-read chat subscriptions, index events for search, prune past retention, summarize refused requests. */
type Tasks = {
  store: Store;
  subscriptions: Subscriptions;
  log: Logger;
  clock: () => number;
  retentionDays: number;
  /** Days the audit log keeps (AUDIT_RETENTION_DAYS; 0: for ever). */
  auditRetentionDays: number;
  /** Days decided reviews are kept (REVIEW_RETENTION_DAYS; 0: for ever). */
  reviewRetentionDays: number;
  flushSummary: () => void;
  summaryMs?: number;
  /** Sends the review reminders that are due (Actions.remindReviews); how often (default 30 s). */
  remindReviews: () => Promise<number>;
  remindMs?: number | undefined;
  onPruned: (n: { events: number; refusals: number }) => void;
  /** Deletes admin sessions that ended or went idle, and stale sign-ins under way. */
  pruneSessions: () => Promise<void>;
};

/** The retention settings (RETENTION_DAYS, AUDIT_RETENTION_DAYS, REVIEW_RETENTION_DAYS) as the tasks take them. */
export const retentionOf = (env: Pick<Env, 'RETENTION_DAYS' | 'AUDIT_RETENTION_DAYS' | 'REVIEW_RETENTION_DAYS'>) => ({
  retentionDays: env.RETENTION_DAYS,
  auditRetentionDays: env.AUDIT_RETENTION_DAYS,
  reviewRetentionDays: env.REVIEW_RETENTION_DAYS,
});

/** A periodic task's failure, logged through `r`: repeats while the store is down are folded. */
const warnOf = (r: RepeatedLog, what: string) => (e: unknown) =>
  r.warn('', { err: { message: (e as Error).message } }, what);
const pause = () => new Promise((r) => setTimeout(r, PRUNE_PAUSE_MS));

/** Runs `task` unless the previous run is still going; `running` is that run (to wait for at stop). */
function single(task: () => Promise<void>): (() => Promise<void>) & { running: () => Promise<void> } {
  let current: Promise<void> | null = null;
  const run = async () => {
    if (current) return;
    current = task().finally(() => {
      current = null;
    });
    await current;
  };
  return Object.assign(run, { running: () => current ?? Promise.resolve() });
}

/** Retention in batches, one short transaction each, so webhooks interleave with a large prune. */
async function prune(d: Tasks, r: RepeatedLog, stopped: () => boolean): Promise<void> {
  if (d.retentionDays === 0) return;
  const total = { events: 0, refusals: 0 };
  try {
    for (;;) {
      const n = await d.store.prune(d.clock() - d.retentionDays * 86_400_000, PRUNE_BATCH);
      total.events += n.events;
      total.refusals += n.refusals;
      d.onPruned(n);
      if ((n.events < PRUNE_BATCH && n.refusals < PRUNE_BATCH) || stopped()) break;
      await pause();
    }
    if (total.events + total.refusals > 0) d.log.info({ ...total, days: d.retentionDays }, 'old events pruned');
  } catch (e) {
    warnOf(r, 'pruning old events failed')(e);
  }
}

const DAY_MS = 86_400_000;

/**
 * The audit log's and the reviews' retention: whole UTC days, so an entry goes with the rest of
 * its day. Only this deletes audit entries; nothing edits one.
 */
async function pruneDays(d: Tasks, r: RepeatedLog, what: 'audit' | 'reviews', stopped: () => boolean): Promise<void> {
  const days = what === 'audit' ? d.auditRetentionDays : d.reviewRetentionDays;
  if (days === 0) return;
  const before = Math.floor((d.clock() - days * DAY_MS) / DAY_MS) * DAY_MS;
  const prune = (n: number) => (what === 'audit' ? d.store.pruneAudit(before, n) : d.store.pruneReviews(before, n));
  let entries = 0;
  try {
    for (;;) {
      const n = await prune(PRUNE_BATCH);
      entries += n;
      if (n < PRUNE_BATCH || stopped()) break;
      await pause();
    }
    const variable = what === 'audit' ? 'AUDIT_RETENTION_DAYS' : 'REVIEW_RETENTION_DAYS';
    if (entries > 0)
      d.log.info(
        { entries, before: new Date(before).toISOString(), days },
        `${what === 'audit' ? 'audit entries' : 'reviews'} older than ${variable} pruned (whole days)`,
      );
  } catch (e) {
    warnOf(r, `pruning old ${what === 'audit' ? 'audit entries' : 'reviews'} failed`)(e);
  }
}

/** Search keys in batches off the ingest path (newer events are searched on their own columns). */
async function index(d: Tasks, r: RepeatedLog, stopped: () => boolean): Promise<void> {
  try {
    while ((await d.store.indexSearch(d.clock() - INDEX_LAG_MS)) === INDEX_BATCH && !stopped()) await pause();
  } catch (e) {
    warnOf(r, 'indexing events for search failed')(e);
  }
}

/**
 * Periodic work: re-read chat subscriptions, index events for search, prune past retention,
 * summarize refused requests, send review reminders. `stop` ends the timers and waits for the
 * runs under way (a reminder sent is then also recorded as sent, not owed again).
 */
export function backgroundTasks(d: Tasks): { stop(): Promise<void> } {
  const r = new RepeatedLog(d.log, d.clock);
  let stopping = false;
  const stopped = () => stopping;
  const pruning = single(async () => {
    await prune(d, r, stopped);
    if (!stopping) await pruneDays(d, r, 'audit', stopped);
    if (!stopping) await pruneDays(d, r, 'reviews', stopped);
    if (!stopping) await d.pruneSessions().catch(warnOf(r, 'pruning admin sessions failed'));
  });
  const indexing = single(() => index(d, r, stopped));
  const reminding = single(() =>
    d
      .remindReviews()
      .then(() => {})
      .catch(warnOf(r, 'sending review reminders failed')),
  );
  void pruning();
  const every = (ms: number, fn: () => unknown) => setInterval(() => void fn(), ms);
  const timers = [
    every(INDEX_EVERY_MS, indexing),
    every(SUBSCRIPTION_REFRESH_MS, () =>
      d.subscriptions.refresh().catch(warnOf(r, 'could not refresh chat subscriptions')),
    ),
    every(PRUNE_EVERY_MS, pruning),
    every(d.summaryMs ?? 60_000, d.flushSummary),
    every(d.remindMs ?? 30_000, reminding),
  ];
  for (const t of timers) t.unref();
  return {
    async stop() {
      stopping = true;
      for (const t of timers) clearInterval(t);
      d.flushSummary();
      await Promise.all([pruning, indexing, reminding].map((task) => task.running()));
    },
  };
}
