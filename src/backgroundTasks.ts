import type { Logger } from 'pino';
import { INDEX_BATCH } from './store/eventSearch.ts';
import type { Store } from './store/Store.ts';
import type { Subscriptions } from './chat/Subscriptions.ts';

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
export function backgroundTasks(d: {
  store: Store; subscriptions: Subscriptions; log: Logger; clock: () => number; retentionDays: number;
  flushSummary: () => void; summaryMs?: number; onPruned: (n: { events: number; refusals: number }) => void;
}): { stop(): void } {
  const warn = (what: string) => (e: unknown) => d.log.warn({ err: { message: (e as Error).message } }, what);
  // Retention in batches, one short transaction each, so webhooks interleave with a large prune.
  let pruning = false;
  const prune = async () => {
    if (d.retentionDays === 0 || pruning) return;
    pruning = true;
    const total = { events: 0, refusals: 0 };
    try {
      for (;;) {
        const n = await d.store.prune(d.clock() - d.retentionDays * 86_400_000, PRUNE_BATCH);
        total.events += n.events;
        total.refusals += n.refusals;
        d.onPruned(n);
        if (n.events < PRUNE_BATCH && n.refusals < PRUNE_BATCH) break;
        await new Promise((r) => setTimeout(r, PRUNE_PAUSE_MS));
      }
      if (total.events + total.refusals > 0) d.log.info({ ...total, days: d.retentionDays }, 'old events pruned');
    } catch (e) {
      warn('pruning old events failed')(e);
    } finally {
      pruning = false;
    }
  };
  void prune();
  // Search keys in batches off the ingest path (newer events are searched on their own columns).
  let indexing = false;
  const index = async () => {
    if (indexing) return;
    indexing = true;
    try {
      while ((await d.store.indexSearch(d.clock() - INDEX_LAG_MS)) === INDEX_BATCH) await new Promise((r) => setTimeout(r, PRUNE_PAUSE_MS));
    } catch (e) {
      warn('indexing events for search failed')(e);
    } finally {
      indexing = false;
    }
  };
  const timers = [
    setInterval(() => { void index(); }, INDEX_EVERY_MS),
    setInterval(() => { d.subscriptions.refresh().catch(warn('could not refresh chat subscriptions')); }, SUBSCRIPTION_REFRESH_MS),
    setInterval(() => { void prune(); }, PRUNE_EVERY_MS),
    setInterval(d.flushSummary, d.summaryMs ?? 60_000),
  ];
  for (const t of timers) t.unref();
  return {
    stop() {
      for (const t of timers) clearInterval(t);
      d.flushSummary();
    },
  };
}
