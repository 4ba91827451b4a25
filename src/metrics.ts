import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventStore } from './store/Store.ts';
import type { EventKind } from './vcc/changes.ts';

/**
 * The service's Prometheus metrics, every one named `vcc_notify_*`, in a registry of its own
 * (several services in one process, as in tests, never share counters). Delivery outcomes
 * count deliveries (one per event and channel), attempts count sends.
 */
export function createMetrics(store: Pick<EventStore, 'queueStats'>, clock: () => number) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vcc_notify_process_' });
  const events = new Counter({ name: 'vcc_notify_events_received_total', help: 'Accepted VCC events, by change kind (an event with several kinds counts once per kind)', labelNames: ['kind'], registers: [registry] });
  const duplicates = new Counter({ name: 'vcc_notify_events_duplicate_total', help: 'Repeats of stored events (VCC retries), answered 200 duplicate', registers: [registry] });
  const secrets = new Counter({ name: 'vcc_notify_webhook_secret_used_total', help: 'Authenticated webhook requests, by the secret they carried (current, or previous during a rotation)', labelNames: ['secret'], registers: [registry] });
  // Children bound once: a label lookup per request costs the webhook's hot path.
  const bySecret = { current: secrets.labels({ secret: 'current' }), previous: secrets.labels({ secret: 'previous' }) };
  const refused = new Counter({ name: 'vcc_notify_requests_refused_total', help: 'Webhook requests refused, by reason code', labelNames: ['reason'], registers: [registry] });
  const deliveries = new Counter({ name: 'vcc_notify_deliveries_total', help: 'Deliveries that reached a final outcome (sent or dead), by channel', labelNames: ['channel', 'outcome'], registers: [registry] });
  const attempts = new Counter({ name: 'vcc_notify_delivery_attempts_total', help: 'Send attempts, by channel and outcome (sent, retry, permanent)', labelNames: ['channel', 'outcome'], registers: [registry] });
  const rateLimited = new Counter({ name: 'vcc_notify_rate_limited_total', help: '429 answers drawn from a platform, by channel', labelNames: ['channel'], registers: [registry] });
  const latency = new Histogram({
    name: 'vcc_notify_delivery_latency_seconds', help: 'From receiving the VCC event to the platform taking the message',
    labelNames: ['channel'], buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 86400], registers: [registry],
  });
  const pruned = new Counter({ name: 'vcc_notify_pruned_rows_total', help: 'Rows deleted by retention (RETENTION_DAYS), by table', labelNames: ['table'], registers: [registry] });
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  new Gauge({
    name: 'vcc_notify_event_loop_delay_max_seconds', help: 'Longest event-loop delay since the last scrape (a long synchronous task holds webhooks that long)', registers: [registry],
    collect() { this.set(loopDelay.max / 1e9); loopDelay.reset(); },
  });
  const stats = async () => store.queueStats().catch(() => ({ pending: NaN, oldestPendingCreatedAt: null }));
  new Gauge({
    name: 'vcc_notify_queue_depth', help: 'Pending deliveries', registers: [registry],
    async collect() { this.set((await stats()).pending); },
  });
  new Gauge({
    name: 'vcc_notify_oldest_pending_age_seconds', help: 'Age of the oldest pending delivery (0 when none)', registers: [registry],
    async collect() {
      const oldest = (await stats()).oldestPendingCreatedAt;
      this.set(oldest === null ? 0 : (clock() - oldest) / 1000);
    },
  });
  return {
    registry,
    accepted(kinds: readonly EventKind[]) { for (const kind of kinds) events.inc({ kind }); },
    duplicate() { duplicates.inc(); },
    refused(reason: string) { refused.inc({ reason }); },
    secretUsed(secret: 'current' | 'previous') { bySecret[secret].inc(); },
    attempt(channel: string, outcome: string, wasRateLimited: boolean) {
      attempts.inc({ channel, outcome });
      if (wasRateLimited) rateLimited.inc({ channel });
    },
    pruned(n: { events: number; refusals: number }) {
      pruned.inc({ table: 'events' }, n.events);
      pruned.inc({ table: 'refusals' }, n.refusals);
    },
    settled(channel: string, outcome: 'sent' | 'dead', receivedAts: readonly number[]) {
      deliveries.inc({ channel, outcome }, receivedAts.length);
      if (outcome === 'sent') for (const at of receivedAts) latency.observe({ channel }, Math.max(0, clock() - at) / 1000);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
