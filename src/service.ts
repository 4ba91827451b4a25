import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { DestinationStream, Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import type { NotifyConfig } from './config/NotifyConfig.ts';
import { loadConfig } from './config/loadConfig.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createApp } from './http/app.ts';
import { listen, within } from './http/server.ts';
import { UnauthenticatedSummary } from './http/refusalSummary.ts';
import { createBodyCipher } from './vcc/decrypt.ts';
import type { Route } from './routing/route.ts';
import { INDEX_BATCH } from './store/eventSearch.ts';
import { openStore } from './store/openStore.ts';
import type { SqliteOptions } from './store/sqlite.ts';
import type { Store } from './store/Store.ts';
import { DEFAULT_RETRY, DeliveryWorker, type RetryPolicy } from './delivery/DeliveryWorker.ts';
import { Subscriptions } from './chat/Subscriptions.ts';
import type { Renderer } from './render/Renderer.ts';
import { PLATFORMS } from './platforms/registry.ts';
import { channelWarnings, createChannels, loadRenderer } from './channels/Channels.ts';

export interface ServiceOptions {
  settings: Settings;
  clock?: () => number;
  random?: () => number;
  logDestination?: DestinationStream;
  sqlite?: SqliteOptions;
  retry?: RetryPolicy;
  pollMs?: number;
  /** How often refused unauthenticated webhooks are summarized in the log (default 60 s). */
  refusalSummaryMs?: number;
  /** Start the delivery worker (default true). */
  worker?: boolean;
  /** Templates folder (default: templates/ of this package). */
  templatesDir?: string;
  /** HTTP client for webhook targets (tests may observe it; defaults to global fetch). */
  fetch?: typeof fetch;
}

export interface RunningService {
  url: string;
  port: number;
  store: Store;
  worker: DeliveryWorker;
  log: Logger;
  config: () => NotifyConfig;
  /** Re-reads the config file; a bad file is refused (logged) and the old one stays. */
  reload(): boolean;
  /** Within SHUTDOWN_TIMEOUT_SECONDS: stop taking requests, finish sends in flight, close the store. */
  stop(): Promise<void>;
}

/** The composition root: opens the store, wires config, platforms, worker and HTTP, listens. */
export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const { settings } = opts;
  const { env } = settings;
  const clock = opts.clock ?? Date.now;
  const log = createLogger(settings.logLevel, opts.logDestination);
  // The store's writer thread starts while this thread reads the config and compiles templates.
  const opening = openStore(settings.databaseUrl, { ownsLeases: true, writeTimeoutMs: env.STORE_WRITE_TIMEOUT_SECONDS * 1000, ...opts.sqlite });
  const readConfig = () => loadConfig(settings.configPath, settings.source, { isDefaultPath: !settings.configExplicit });
  let config: NotifyConfig;
  let renderer: Renderer;
  try {
    config = readConfig();
    renderer = loadRenderer(opts.templatesDir ?? env.VCC_NOTIFY_TEMPLATES, () => config.labels);
  } catch (e) {
    await opening.then((s) => s.close(), () => {});
    throw e;
  }
  const store = await opening;
  const subscriptions = new Subscriptions(store, clock, env.CHAT_MAX_SUBSCRIPTIONS);
  await subscriptions.refresh();
  const channels = createChannels({ env, conversations: store, config: () => config, clock, log, renderer, fetch: opts.fetch });
  const metrics = createMetrics(store, clock);
  const worker = new DeliveryWorker({
    store, plan: channels.plan, clock, random: opts.random ?? Math.random, log, pollMs: opts.pollMs,
    retry: opts.retry ?? { ...DEFAULT_RETRY, maxAgeMs: env.DELIVERY_MAX_AGE_HOURS * 3_600_000 },
    owner: env.VCC_INSTANCE_ID ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    leaseMs: env.DELIVERY_LEASE_SECONDS * 1000,
    onAttempt: (channel, outcome) => metrics.attempt(channel, outcome.status, outcome.status === 'retry' && outcome.rateLimited === true),
    onSettled: (channel, outcome, items) => metrics.settled(channel, outcome, items.map((i) => i.event.receivedAt)),
  });

  // Routes beside the webhook: each platform's inbound bridge (chat commands, bot activities),
  // the admin pages (only with ADMIN_TOKEN) and /metrics.
  const extra = new Router();
  extra.get('/metrics', async (ctx) => { ctx.type = metrics.registry.contentType; ctx.body = await metrics.registry.metrics(); });
  const inbound: Array<{ start(): Promise<void>; stop(): Promise<void> }> = [];
  for (const p of PLATFORMS) {
    if ('inbound' in p) {
      inbound.push(await p.inbound.mount(extra, { ...channels.context, subscriptions, fileRoutesFor: channels.fileRoutesFor, sendTest: channels.sendTest }));
    }
  }
  if (env.ADMIN_TOKEN) {
    (await import('./admin/adminRoutes.ts')).mountAdmin(extra, {
      token: env.ADMIN_TOKEN, store, config: () => config, subscriptions, renderer,
      channelConfig: channels.channelConfig, clock, log, onReplay: () => worker.wake(), routes: () => routesInForce(),
    });
  } else {
    extra.all(/^\/admin/, (ctx) => { ctx.status = 404; ctx.body = { error: { code: 'admin_disabled', message: 'set ADMIN_TOKEN to enable the admin pages' } }; });
  }
  // The file's routes and the chat subscriptions' routes, joined again only when either changes.
  let joined: { file: NotifyConfig; chat: readonly Route[]; routes: readonly Route[] } | null = null;
  const routesInForce = (): readonly Route[] => {
    const chat = subscriptions.routes();
    if (joined?.file !== config || joined.chat !== chat) joined = { file: config, chat, routes: [...config.routes, ...chat] };
    return joined.routes;
  };
  const unauthenticated = new UnauthenticatedSummary(log);
  let draining = () => false;
  const app = createApp({
    store, log, clock, routes: routesInForce, secret: settings.webhookSecret, maxBodyBytes: settings.maxBodyBytes,
    previousSecret: settings.previousSecret, sources: settings.allowedSources,
    ...ciphers(settings),
    onAuthenticated: (secret) => metrics.secretUsed(secret),
    onAccepted: (_id, chs, kinds) => { metrics.accepted(kinds); if (chs.length > 0) worker.wake(chs); },
    onDuplicate: () => metrics.duplicate(),
    onRefused: (code) => metrics.refused(code),
    onUnauthenticated: (address, code) => unauthenticated.note(address, code),
    ready: () => ({ config: config.origin }),
    draining: () => draining(),
    trustProxy: env.TRUST_PROXY === 'true',
    mount: (router) => { router.use(extra.routes()); },
  });
  const http = await listen(app.callback(), settings.port, settings.host, {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_SECONDS * 1000, requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveMs: env.HTTP_KEEP_ALIVE_SECONDS * 1000, maxConnections: env.HTTP_MAX_CONNECTIONS,
  });
  draining = http.draining;
  if (settings.localOnly) log.warn({ host: settings.host, port: http.port }, 'VCC_WEBHOOK_SECRET is not set: listening on 127.0.0.1 only, webhook open without a secret');
  log.info({ host: settings.host, port: http.port, store: store.kind, config: config.origin }, 'vcc-notify listening');
  for (const w of channelWarnings(config, env)) log.warn(w);
  if (opts.worker !== false) worker.start();
  // After readiness, not holding it: the first notification then waits for no SDK to load.
  setImmediate(() => void channels.warm(routesInForce().map((r) => r.channel)).then((types) => log.debug({ types }, 'channel types warmed'), () => {}));
  const timers = backgroundTasks({ store, subscriptions, log, clock, retentionDays: env.RETENTION_DAYS, flushSummary: () => unauthenticated.flush(), summaryMs: opts.refusalSummaryMs, onPruned: metrics.pruned });
  for (const i of inbound) await i.start();

  let stopping: Promise<void> | null = null;
  return {
    url: `http://${settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${http.port}`,
    port: http.port,
    store,
    worker,
    log,
    config: () => config,
    reload() {
      try {
        config = readConfig();
        log.info({ config: config.origin, channels: Object.keys(config.channels).length, routes: config.routes.length }, 'config reloaded');
        for (const w of channelWarnings(config, env)) log.warn(w);
        worker.wake();
        return true;
      } catch (e) {
        log.error({ err: { message: (e as Error).message } }, 'config reload refused; the previous config stays in force');
        return false;
      }
    },
    stop() {
      stopping ??= (async () => {
        const started = Date.now();
        const left = () => Math.max(0, env.SHUTDOWN_TIMEOUT_SECONDS * 1000 - (Date.now() - started));
        if (!(await http.close(left()))) {
          log.warn({ seconds: env.SHUTDOWN_TIMEOUT_SECONDS }, 'shutdown: connections still open at the limit were closed (their requests were not acknowledged)');
        }
        timers.stop();
        for (const i of inbound) await within(i.stop(), left());
        if (!(await within(worker.stop(), left()))) {
          log.warn({ leaseSeconds: env.DELIVERY_LEASE_SECONDS }, 'shutdown: sends still in flight at the limit stay pending; their lease lapses and the next start or another instance sends them');
        }
        await store.close();
        log.info('vcc-notify stopped');
        log.flush();
      })();
      return stopping;
    },
  };
}

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
function backgroundTasks(d: {
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

/** Body decryption for the current secret and, during a rotation, for the previous one. */
function ciphers(settings: Settings) {
  const e = settings.encryption;
  if (!e) return { cipher: null, previousCipher: null };
  return {
    cipher: createBodyCipher(e.cipher, e.key),
    previousCipher: e.previousKey ? createBodyCipher(e.cipher, e.previousKey) : null,
  };
}
