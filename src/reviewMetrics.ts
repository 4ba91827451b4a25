import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Review, ReviewStore } from './store/Store.ts';
import type { ReviewObserver, ReviewRefusal } from './actions/ActionDeps.ts';

/**
 * Reviews in Prometheus: requests pending per channel (read at scrape time), decisions by
 * outcome, refused clicks by reason, and the time from the request to its decision.
 */
export function reviewMetrics(registry: Registry, store: Pick<ReviewStore, 'pendingReviews'>): ReviewObserver {
  new Gauge({
    name: 'vcc_notify_reviews_pending',
    help: 'Review requests waiting for a decision, by channel',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      this.reset();
      const pending = await store.pendingReviews().catch(() => new Map<string, number>());
      for (const [channel, n] of pending) this.set({ channel }, n);
    },
  });
  const decisions = new Counter({
    name: 'vcc_notify_review_decisions_total',
    help: 'Review decisions, by outcome (expected, not-expected)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'vcc_notify_review_clicks_refused_total',
    help: 'Review clicks refused, by reason (not_reviewer, other_channel, own_account, already_decided, no_reason, no_reviewers)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const time = new Histogram({
    name: 'vcc_notify_review_decision_seconds',
    help: 'From a review request to its decision',
    buckets: [60, 300, 900, 3600, 4 * 3600, 14_400 * 2, 86_400, 3 * 86_400, 7 * 86_400],
    registers: [registry],
  });
  return {
    decided(r: Review) {
      decisions.inc({ outcome: r.status });
      if (r.decidedAt !== null) time.observe(Math.max(0, r.decidedAt - r.askedAt) / 1000);
    },
    refused(reason: ReviewRefusal) {
      refused.inc({ reason });
    },
  };
}
