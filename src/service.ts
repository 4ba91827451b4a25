import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { UnauthenticatedSummary } from './http/refusalSummary.ts';
import { createApp } from './http/app.ts';
import { createLogger } from './logger.ts';
import type { Settings } from './config/settings.ts';
import { channelWarnings, type NotifyConfig } from './config/NotifyConfig.ts';
import { openStore } from './store/openStore.ts';
import type { SqliteOptions } from './store/sqlite.ts';
import type { Store } from './store/Store.ts';
import type { Route } from './routing/route.ts';
import { createBodyCipher } from './vcc/decrypt.ts';
import { DEFAULT_RETRY, DeliveryWorker, type RetryPolicy } from './delivery/DeliveryWorker.ts';
import { loadConfig } from './config/loadConfig.ts';
import { Subscriptions } from './chat/Subscriptions.ts';
import { createChannelKit } from './channelKit.ts';
import { DEFAULT_TEMPLATES, Renderer } from './render/Renderer.ts';
import { createMetrics } from './metrics.ts';

/** How often chat subscriptions are re-read from the store (changes made on other instances). */
const SUBSCRIPTION_REFRESH_MS = 5_000;
/** How often old events are pruned (RETENTION_DAYS). */
const PRUNE_EVERY_MS = 6 * 3_600_000;

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
  /** Graceful: stop taking requests, finish sends in flight, close the store. */
  stop(): Promise<void>;
}

/** The composition root: opens the store, builds the HTTP app and the worker, listens. */
export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const { settings } = opts;
  const clock = opts.clock ?? Date.now;
  const log = createLogger(settings.logLevel, opts.logDestination);
  const cipher = settings.encryption ? createBodyCipher(settings.encryption.cipher, settings.encryption.key) : null;
  const env = settings.env;
  // The store's writer thread starts while this thread reads the config and compiles templates.
  const opening = openStore(settings.databaseUrl, { ownsLeases: true, ...opts.sqlite });
  const readConfig = () => loadConfig(settings.configPath, settings.source, { isDefaultPath: !settings.configExplicit });
  let config: NotifyConfig;
  let renderer: Renderer;
  try {
    config = readConfig();
    renderer = Renderer.load(opts.templatesDir ?? env.VCC_NOTIFY_TEMPLATES ?? DEFAULT_TEMPLATES);
  } catch (e) {
    await opening.then((s) => s.close(), () => {});
    throw e;
  }
  const store = await opening;
  const subscriptions = new Subscriptions(store, clock);
  await subscriptions.refresh();
  const kit = createChannelKit({
    settings, store, config: () => config, clock, log, renderer, fetch: opts.fetch,
  });
  const { plan, sendTest, fileRoutesFor } = kit;
  // Platform SDKs load only when configured: botbuilder with the Teams bot, Bolt with Slack commands.
  const teams = await kit.teamsRuntime();
  const admin = env.ADMIN_TOKEN ? await import('./admin/adminRoutes.ts') : null;
  const metrics = createMetrics(store, clock);
  const worker = new DeliveryWorker({
    store, plan, clock, random: opts.random ?? Math.random, log, pollMs: opts.pollMs,
    retry: opts.retry ?? { ...DEFAULT_RETRY, maxAgeMs: env.DELIVERY_MAX_AGE_HOURS * 3_600_000 },
    owner: env.VCC_INSTANCE_ID ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    leaseMs: env.DELIVERY_LEASE_SECONDS * 1000,
    onAttempt: (channel, outcome) => metrics.attempt(channel, outcome.status, outcome.status === 'retry' && outcome.rateLimited === true),
    onSettled: (channel, outcome, items) => metrics.settled(channel, outcome, items.map((i) => i.event.receivedAt)),
  });

  const slackCommands = env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN
    ? (await import('./slack/slackCommands.ts')).createSlackCommands({
      signingSecret: env.SLACK_SIGNING_SECRET ?? '', appToken: env.SLACK_APP_TOKEN, botToken: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL,
      commandUsers: env.SLACK_COMMAND_USERS, subscriptions, fileRoutesFor: (id) => fileRoutesFor('slack', id), sendTest, log, clock,
    })
    : null;
  // The file's routes and the chat subscriptions' routes, joined again only when either changes.
  let joined: { file: NotifyConfig; chat: readonly Route[]; routes: readonly Route[] } | null = null;
  const routesInForce = (file: NotifyConfig, chat: readonly Route[]): readonly Route[] => {
    if (joined?.file !== file || joined.chat !== chat) joined = { file, chat, routes: [...file.routes, ...chat] };
    return joined.routes;
  };
  let stopping: Promise<void> | null = null;
  const unauthenticated = new UnauthenticatedSummary(log);
  const summarize = setInterval(() => unauthenticated.flush(), opts.refusalSummaryMs ?? 60_000);
  summarize.unref();
  const app = createApp({
    store,
    log,
    secret: settings.webhookSecret,
    cipher,
    maxBodyBytes: settings.maxBodyBytes,
    routes: () => routesInForce(config, subscriptions.routes()),
    clock,
    onAccepted: (_id, channels, kinds) => {
      metrics.accepted(kinds);
      if (channels.length > 0) worker.wake(channels);
    },
    onDuplicate: () => metrics.duplicate(),
    onRefused: (code) => metrics.refused(code),
    onUnauthenticated: (address) => unauthenticated.note(address),
    ready: () => ({ config: config.origin }),
    draining: () => stopping !== null,
    trustProxy: env.TRUST_PROXY === 'true',
    mount: (router) => {
      router.get('/metrics', async (ctx) => {
        ctx.type = metrics.registry.contentType;
        ctx.body = await metrics.registry.metrics();
      });
      router.post('/api/messages', teams
        ? teams.handler({
          store, log, clock, subscriptions, commandUsers: env.TEAMS_COMMAND_USERS,
          fileRoutesFor: (id) => fileRoutesFor('teams', id), sendTest,
        })
        : (ctx) => {
          ctx.status = 501;
          ctx.body = { error: { code: 'teams_not_configured', message: 'set MicrosoftAppId to run the Teams bot' } };
        });
      if (admin && env.ADMIN_TOKEN) {
        admin.mountAdmin(router, {
          token: env.ADMIN_TOKEN, store, config: () => config, subscriptions, renderer: kit.renderer,
          channelConfig: kit.channelConfig, clock, log, onReplay: () => worker.wake(),
        });
      } else {
        router.all(/^\/admin/, (ctx) => {
          ctx.status = 404;
          ctx.body = { error: { code: 'admin_disabled', message: 'set ADMIN_TOKEN to enable the admin pages' } };
        });
      }
      if (slackCommands?.handler) {
        router.post('/slack/events', slackCommands.handler);
      } else {
        router.post('/slack/events', (ctx) => {
          ctx.status = 501;
          ctx.body = env.SLACK_APP_TOKEN
            ? { error: { code: 'slack_socket_mode', message: 'Slack commands come over Socket Mode (SLACK_APP_TOKEN), not HTTP' } }
            : { error: { code: 'slack_not_configured', message: 'set SLACK_SIGNING_SECRET to take Slack commands' } };
        });
      }
    },
  });
  const server: Server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  if (teams && !env.MicrosoftAppId) {
    log.warn('TEAMS_BOT_NO_AUTH=true: /api/messages takes Teams activities from anyone who can reach it; use only on a local machine');
  }
  if (settings.localOnly) {
    log.warn({ host: settings.host, port }, 'VCC_WEBHOOK_SECRET is not set: listening on 127.0.0.1 only, webhook open without a secret');
  }
  log.info({ host: settings.host, port, store: store.kind, config: config.origin }, 'vcc-notify listening');
  for (const w of channelWarnings(config, env)) log.warn(w);
  if (opts.worker !== false) worker.start();
  // Other instances may change chat subscriptions (shared store): re-read them now and then.
  const refreshSubs = setInterval(() => {
    subscriptions.refresh().catch((e) => log.warn({ err: { message: (e as Error).message } }, 'could not refresh chat subscriptions'));
  }, SUBSCRIPTION_REFRESH_MS);
  refreshSubs.unref();
  // Retention: events whose deliveries are all final go after RETENTION_DAYS (0 keeps all).
  const prune = () => {
    if (env.RETENTION_DAYS === 0) return;
    store.prune(clock() - env.RETENTION_DAYS * 86_400_000)
      .then((n) => { if (n > 0) log.info({ events: n, days: env.RETENTION_DAYS }, 'old events pruned'); })
      .catch((e) => log.warn({ err: { message: (e as Error).message } }, 'pruning old events failed'));
  };
  prune();
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  pruneTimer.unref();
  if (slackCommands) {
    await slackCommands.start().catch((e) => log.error({ err: { message: (e as Error).message } }, 'Slack Socket Mode did not connect'));
  }

  return {
    url: `http://${settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${port}`,
    port,
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
        const limitMs = env.SHUTDOWN_TIMEOUT_SECONDS * 1000;
        const started = Date.now();
        const left = () => Math.max(0, limitMs - (Date.now() - started));
        // Stop accepting; close idle keep-alive connections now and as in-flight requests end
        // (their responses say Connection: close); at the limit, close whatever is still open.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        if (!(await within(closed, left()))) {
          log.warn({ seconds: env.SHUTDOWN_TIMEOUT_SECONDS }, 'shutdown: connections still open at the limit were closed (their requests were not acknowledged)');
          server.closeAllConnections();
        }
        clearInterval(sweep);
        clearInterval(refreshSubs);
        clearInterval(pruneTimer);
        clearInterval(summarize);
        unauthenticated.flush();
        await within(slackCommands?.stop().catch(() => {}), left());
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

/** Whether `p` settled within `ms` (it keeps running either way). */
async function within(p: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([Promise.resolve(p).then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
