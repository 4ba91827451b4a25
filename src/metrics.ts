import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventStore, ReviewStore, Store } from './store/Store.ts';
import { reviewMetrics } from './reviewMetrics.ts';
import type { EventKind } from './vcc/changes.ts';

/**
 * The service's Prometheus metrics, every one named `vcc_notify_*`, in a registry of its own
 * (several services in one process, as in tests, never share counters). Delivery outcomes
 * count deliveries (one per event and channel), attempts count sends.
 */
export function createMetrics(
  store: Pick<EventStore, 'queueStats'> & Pick<ReviewStore, 'pendingReviews'> & Pick<Store, 'ping'>,
  clock: () => number,
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vcc_notify_process_' });
  const recorded = counters(registry);
  addGauges(registry, store, clock);
  const health = healthGauges(registry, store);
  return { registry, ...recorders(recorded, clock), ...health, reviews: reviewMetrics(registry, store) };
}

/**
 * What alerts ask of an instance (deploy/prometheus/alerts.yml): whether its store answers, as
 * /readyz checks it, at scrape time; whether the config file in force is the last one read.
 */
function healthGauges(registry: Registry, store: Pick<Store, 'ping'>) {
  new Gauge({
    name: 'vcc_notify_store_up',
    help: '1 when the store answered at scrape time (what /readyz checks), 0 when it did not: webhooks get 503',
    registers: [registry],
    async collect() {
      this.set(
        await store.ping().then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  const reloadOk = new Gauge({
    name: 'vcc_notify_config_reload_ok',
    help: '1 while the config in force is the file as last read; 0 after a reload was refused (the previous config stays)',
    registers: [registry],
  });
  reloadOk.set(1);
  return {
    configReloaded(ok: boolean) {
      reloadOk.set(ok ? 1 : 0);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const REFUSED_HELP =
  'Deliveries whose outcome the store refused for good (a constraint or type error), by channel: set aside until a restart';

/** The counters and the latency histogram, registered in `registry`. */
function counters(registry: Registry) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: `vcc_notify_${name}`, help, labelNames, registers: [registry] });
  const events = counter(
    'events_received_total',
    'Accepted VCC events, by change kind (an event with several kinds counts once per kind)',
    ['kind'],
  );
  const duplicates = counter(
    'events_duplicate_total',
    'Repeats of stored events (VCC retries), answered 200 duplicate',
  );
  const secrets = counter(
    'webhook_secret_used_total',
    'Authenticated webhook requests, by the secret they carried (current, or previous during a rotation)',
    ['secret'],
  );
  // Children bound once: a label lookup per request costs the webhook's hot path.
  const bySecret = { current: secrets.labels({ secret: 'current' }), previous: secrets.labels({ secret: 'previous' }) };
  const refused = counter('requests_refused_total', 'Webhook requests refused, by reason code', ['reason']);
  const deliveries = counter(
    'deliveries_total',
    'Deliveries that reached a final outcome (sent, dead, or muted), by channel',
    ['channel', 'outcome'],
  );
  const attempts = counter(
    'delivery_attempts_total',
    'Send attempts, by channel and outcome (sent, retry, permanent)',
    ['channel', 'outcome'],
  );
  const rateLimited = counter('rate_limited_total', '429 answers drawn from a platform, by channel', ['channel']);
  const rootEdits = counter(
    'thread_root_edits_total',
    "Edits of agents' thread roots (thread: agent), by channel and outcome (sent, retry, permanent)",
    ['channel', 'outcome'],
  );
  const pruned = counter('pruned_rows_total', 'Rows deleted by retention (RETENTION_DAYS), by table', ['table']);
  const writesRefused = counter('store_writes_refused_total', REFUSED_HELP, ['channel']);
  const latency = new Histogram({
    name: 'vcc_notify_delivery_latency_seconds',
    help: 'From receiving the VCC event to the platform taking the message',
    labelNames: ['channel'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 86400],
    registers: [registry],
  });
  const all = { events, duplicates, bySecret, refused, deliveries, attempts, rateLimited, rootEdits, pruned };
  return { ...all, writesRefused, latency };
}

type Recorded = ReturnType<typeof counters>;

/** What the service records: one method per kind of fact. */
function recorders(m: Recorded, clock: () => number) {
  const { events, duplicates, bySecret, refused, deliveries, attempts, rateLimited, rootEdits, pruned, latency } = m;
  const { writesRefused } = m;
  return {
    accepted(kinds: readonly EventKind[]) {
      for (const kind of kinds) events.inc({ kind });
    },
    duplicate() {
      duplicates.inc();
    },
    refused(reason: string) {
      refused.inc({ reason });
    },
    secretUsed(secret: 'current' | 'previous') {
      bySecret[secret].inc();
    },
    attempt(channel: string, outcome: string, wasRateLimited: boolean) {
      attempts.inc({ channel, outcome });
      if (wasRateLimited) rateLimited.inc({ channel });
    },
    rootEdit(channel: string, outcome: string, wasRateLimited: boolean) {
      rootEdits.inc({ channel, outcome });
      if (wasRateLimited) rateLimited.inc({ channel });
    },
    writeRefused(channel: string) {
      writesRefused.inc({ channel });
    },
    pruned(n: { events: number; refusals: number }) {
      pruned.inc({ table: 'events' }, n.events);
      pruned.inc({ table: 'refusals' }, n.refusals);
    },
    settled(channel: string, outcome: 'sent' | 'dead' | 'muted', receivedAts: readonly number[]) {
      deliveries.inc({ channel, outcome }, receivedAts.length);
      if (outcome === 'sent')
        for (const at of receivedAts) latency.observe({ channel }, Math.max(0, clock() - at) / 1000);
    },
  };
}

/** Read at scrape time: the event loop's longest delay since the last scrape, the queue's depth and age. */
function addGauges(registry: Registry, store: Pick<EventStore, 'queueStats'>, clock: () => number): void {
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  new Gauge({
    name: 'vcc_notify_event_loop_delay_max_seconds',
    help: 'Longest event-loop delay since the last scrape (a long synchronous task holds webhooks that long)',
    registers: [registry],
    collect() {
      this.set(loopDelay.max / 1e9);
      loopDelay.reset();
    },
  });
  const stats = async () => store.queueStats().catch(() => ({ pending: NaN, held: NaN, oldestPendingCreatedAt: null }));
  new Gauge({
    name: 'vcc_notify_queue_depth',
    help: 'Pending deliveries, but those waiting out quiet hours (vcc_notify_deliveries_held)',
    registers: [registry],
    async collect() {
      const s = await stats();
      this.set(s.pending - s.held);
    },
  });
  new Gauge({
    name: 'vcc_notify_deliveries_held',
    help: 'Deliveries waiting out quiet hours (sent when the hours allow)',
    registers: [registry],
    async collect() {
      this.set((await stats()).held);
    },
  });
  new Gauge({
    name: 'vcc_notify_oldest_pending_age_seconds',
    help: 'Age of the oldest pending delivery not held by quiet hours (0 when none)',
    registers: [registry],
    async collect() {
      const oldest = (await stats()).oldestPendingCreatedAt;
      this.set(oldest === null ? 0 : (clock() - oldest) / 1000);
    },
  });
}
