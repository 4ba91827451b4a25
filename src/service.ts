import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { DestinationStream, Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import type { NotifyConfig } from './config/NotifyConfig.ts';
import { loadConfig } from './config/loadConfig.ts';
import { createLogger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { backgroundTasks } from './backgroundTasks.ts';
import { createApp } from './http/app.ts';
import { listen, within, type HttpServer } from './http/server.ts';
import { UnauthenticatedSummary } from './http/refusalSummary.ts';
import { createBodyCipher } from './vcc/decrypt.ts';
import type { Route } from './routing/route.ts';
import { openStore } from './store/openStore.ts';
import type { SqliteOptions } from './store/sqlite.ts';
import type { Store } from './store/Store.ts';
import { DEFAULT_RETRY, DeliveryWorker, type RetryPolicy, type WorkerDeps } from './delivery/DeliveryWorker.ts';
import { Subscriptions } from './chat/Subscriptions.ts';
import type { Renderer } from './render/Renderer.ts';
import { PLATFORMS } from './platforms/registry.ts';
import { channelWarnings, createChannels, loadRenderer, type Channels } from './channels/Channels.ts';

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
  const { store, config, readConfig, renderer } = await openParts(opts);
  const subscriptions = new Subscriptions(store, clock, env.CHAT_MAX_SUBSCRIPTIONS);
  await subscriptions.refresh();
  const channels = createChannels({ env, conversations: store, config: config.get, clock, log, renderer, fetch: opts.fetch });
  const metrics = createMetrics(store, clock);
  const worker = createWorker(opts, { store, plan: channels.plan, clock, log, metrics });
  const routesInForce = joinRoutes(config.get, subscriptions);
  const extras = await mountExtras({ settings, store, config: config.get, subscriptions, renderer, channels, clock, log, metrics, worker, routesInForce });
  const unauthenticated = new UnauthenticatedSummary(log);
  let draining = () => false;
  const app = createApp({
    store, log, clock, routes: routesInForce, secret: settings.webhookSecret, maxBodyBytes: settings.maxBodyBytes,
    previousSecret: settings.previousSecret, sources: settings.allowedSources, ...ciphers(settings),
    onAuthenticated: (secret) => metrics.secretUsed(secret),
    onAccepted: (_id, chs, kinds) => { metrics.accepted(kinds); if (chs.length > 0) worker.wake(chs); },
    onDuplicate: () => metrics.duplicate(),
    onRefused: (code) => metrics.refused(code),
    onUnauthenticated: (address, code) => unauthenticated.note(address, code),
    ready: () => ({ config: config.get().origin }),
    draining: () => draining(),
    trustProxy: env.TRUST_PROXY === 'true',
    mount: (router) => { router.use(extras.router.routes()); },
  });
  const http = await listen(app.callback(), settings.port, settings.host, {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_SECONDS * 1000, requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveMs: env.HTTP_KEEP_ALIVE_SECONDS * 1000, maxConnections: env.HTTP_MAX_CONNECTIONS,
  });
  draining = http.draining;
  if (settings.localOnly) log.warn({ host: settings.host, port: http.port }, 'VCC_WEBHOOK_SECRET is not set: listening on 127.0.0.1 only, webhook open without a secret');
  log.info({ host: settings.host, port: http.port, store: store.kind, config: config.get().origin }, 'vcc-notify listening');
  for (const w of channelWarnings(config.get(), env)) log.warn(w);
  if (opts.worker !== false) worker.start();
  // After readiness, not holding it: the first notification then waits for no SDK to load.
  setImmediate(() => void channels.warm(routesInForce().map((r) => r.channel)).then((types) => log.debug({ types }, 'channel types warmed'), () => {}));
  const timers = backgroundTasks({ store, subscriptions, log, clock, retentionDays: env.RETENTION_DAYS, flushSummary: () => unauthenticated.flush(), summaryMs: opts.refusalSummaryMs, onPruned: metrics.pruned });
  for (const i of extras.inbound) await i.start();
  return running({ settings, http, store, worker, log, config, readConfig, timers, inbound: extras.inbound });
}

/** The config in force (replaced on reload) and how to read the file again. */
interface ConfigHolder { get: () => NotifyConfig; set: (c: NotifyConfig) => void }

/** The store (opening while the config is read and the templates compile), the config, the templates. */
async function openParts(opts: ServiceOptions) {
  const { settings } = opts;
  const { env } = settings;
  const opening = openStore(settings.databaseUrl, { ownsLeases: true, writeTimeoutMs: env.STORE_WRITE_TIMEOUT_SECONDS * 1000, ...opts.sqlite });
  const readConfig = () => loadConfig(settings.configPath, settings.source, { isDefaultPath: !settings.configExplicit });
  let current: NotifyConfig;
  let renderer: Renderer;
  try {
    current = readConfig();
    renderer = loadRenderer(opts.templatesDir ?? env.VCC_NOTIFY_TEMPLATES, () => current.labels);
  } catch (e) {
    await opening.then((s) => s.close(), () => {});
    throw e;
  }
  const config: ConfigHolder = { get: () => current, set: (c) => { current = c; } };
  return { store: await opening, config, readConfig, renderer };
}

function createWorker(opts: ServiceOptions, d: { store: Store; plan: WorkerDeps['plan']; clock: () => number; log: Logger; metrics: Metrics }) {
  const { env } = opts.settings;
  return new DeliveryWorker({
    store: d.store, plan: d.plan, clock: d.clock, random: opts.random ?? Math.random, log: d.log, pollMs: opts.pollMs,
    retry: opts.retry ?? { ...DEFAULT_RETRY, maxAgeMs: env.DELIVERY_MAX_AGE_HOURS * 3_600_000 },
    owner: env.VCC_INSTANCE_ID ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    leaseMs: env.DELIVERY_LEASE_SECONDS * 1000,
    onAttempt: (channel, outcome) => d.metrics.attempt(channel, outcome.status, outcome.status === 'retry' && outcome.rateLimited === true),
    onSettled: (channel, outcome, items) => d.metrics.settled(channel, outcome, items.map((i) => i.event.receivedAt)),
  });
}

/** The file's routes and the chat subscriptions' routes, joined again only when either changes. */
function joinRoutes(config: () => NotifyConfig, subscriptions: Subscriptions): () => readonly Route[] {
  let joined: { file: NotifyConfig; chat: readonly Route[]; routes: readonly Route[] } | null = null;
  return () => {
    const [file, chat] = [config(), subscriptions.routes()];
    if (joined?.file !== file || joined.chat !== chat) joined = { file, chat, routes: [...file.routes, ...chat] };
    return joined.routes;
  };
}

type Inbound = { start(): Promise<void>; stop(): Promise<void> };

/**
 * Routes beside the webhook: each platform's inbound bridge (chat commands, bot activities),
 * the admin pages (only with ADMIN_TOKEN) and /metrics.
 */
async function mountExtras(d: {
  settings: Settings; store: Store; config: () => NotifyConfig; subscriptions: Subscriptions; renderer: Renderer; channels: Channels;
  clock: () => number; log: Logger; metrics: Metrics; worker: DeliveryWorker; routesInForce: () => readonly Route[];
}): Promise<{ router: Router; inbound: Inbound[] }> {
  const router = new Router();
  router.get('/metrics', async (ctx) => { ctx.type = d.metrics.registry.contentType; ctx.body = await d.metrics.registry.metrics(); });
  const inbound: Inbound[] = [];
  const { channels } = d;
  for (const p of PLATFORMS) {
    if ('inbound' in p) {
      inbound.push(await p.inbound.mount(router, { ...channels.context, subscriptions: d.subscriptions, fileRoutesFor: channels.fileRoutesFor, sendTest: channels.sendTest }));
    }
  }
  const token = d.settings.env.ADMIN_TOKEN;
  if (token) {
    (await import('./admin/adminRoutes.ts')).mountAdmin(router, {
      token, store: d.store, config: d.config, subscriptions: d.subscriptions, renderer: d.renderer,
      channelConfig: channels.channelConfig, clock: d.clock, log: d.log, onReplay: () => d.worker.wake(), routes: d.routesInForce,
    });
  } else {
    router.all(/^\/admin/, (ctx) => { ctx.status = 404; ctx.body = { error: { code: 'admin_disabled', message: 'set ADMIN_TOKEN to enable the admin pages' } }; });
  }
  return { router, inbound };
}

/** The running service's handle: reload the config, stop within SHUTDOWN_TIMEOUT_SECONDS. */
function running(d: {
  settings: Settings; http: HttpServer; store: Store; worker: DeliveryWorker; log: Logger; config: ConfigHolder;
  readConfig: () => NotifyConfig; timers: { stop(): void }; inbound: Inbound[];
}): RunningService {
  const { settings, http, store, worker, log, config } = d;
  const { env } = settings;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${http.port}`,
    port: http.port,
    store,
    worker,
    log,
    config: config.get,
    reload() {
      try {
        config.set(d.readConfig());
        const c = config.get();
        log.info({ config: c.origin, channels: Object.keys(c.channels).length, routes: c.routes.length }, 'config reloaded');
        for (const w of channelWarnings(c, env)) log.warn(w);
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
        d.timers.stop();
        for (const i of d.inbound) await within(i.stop(), left());
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

/** Body decryption for the current secret and, during a rotation, for the previous one. */
function ciphers(settings: Settings) {
  const e = settings.encryption;
  if (!e) return { cipher: null, previousCipher: null };
  return {
    cipher: createBodyCipher(e.cipher, e.key),
    previousCipher: e.previousKey ? createBodyCipher(e.cipher, e.previousKey) : null,
  };
}
