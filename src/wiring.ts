import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Env, Settings } from './config/settings.ts';
import type Koa from 'koa';
import { createApp } from './http/app.ts';
import { jsonBody } from './http/jsonBody.ts';
import type { ConnectionLimits } from './http/server.ts';
import type { UnauthenticatedSummary } from './http/refusalSummary.ts';
import type { NotifyConfig } from './config/NotifyConfig.ts';
import { loadConfig } from './config/loadConfig.ts';
import type { Metrics } from './metrics.ts';
import { createBodyCipher } from './vcc/decrypt.ts';
import type { Route } from './routing/route.ts';
import { openServiceStore } from './storeOpening.ts';
import type { Store } from './store/Store.ts';
import { DEFAULT_RETRY, DeliveryWorker, type WorkerDeps } from './delivery/DeliveryWorker.ts';
import type { Subscriptions } from './chat/Subscriptions.ts';
import type { Renderer } from './render/Renderer.ts';
import { PLATFORMS } from './platforms/registry.ts';
import { channelWarnings, loadRenderer, type Channels } from './channels/Channels.ts';

import type { ServiceOptions } from './ServiceOptions.ts';

// The composition root's parts (src/service.ts reads in one screen with them).

/** The config in force (replaced on reload) and how to read the file again. */
export interface ConfigHolder {
  get: () => NotifyConfig;
  set: (c: NotifyConfig) => void;
}

/** The store (opening while the config is read and the templates compile), the config, the templates. */
export async function openParts(opts: ServiceOptions) {
  const { settings } = opts;
  const { env } = settings;
  const opening = opts.storeOpening ?? openServiceStore(opts);
  const readConfig = () =>
    loadConfig(settings.configPath, settings.source, { isDefaultPath: !settings.configExplicit });
  let current: NotifyConfig;
  let renderer: Renderer;
  try {
    current = readConfig();
    renderer = loadRenderer(opts.templatesDir ?? env.VCC_NOTIFY_TEMPLATES, () => current.labels);
  } catch (e) {
    await opening.then(
      (s) => s.close(),
      () => {},
    );
    throw e;
  }
  const config: ConfigHolder = {
    get: () => current,
    set: (c) => {
      current = c;
    },
  };
  return { store: await opening, config, readConfig, renderer };
}

/** The delivery worker, with the settings' retry, lease and instance name, counting into the metrics. */
export function createWorker(
  opts: ServiceOptions,
  d: { store: Store; senderFor: WorkerDeps['senderFor']; clock: () => number; log: Logger; metrics: Metrics },
) {
  const { env } = opts.settings;
  return new DeliveryWorker({
    store: d.store,
    senderFor: d.senderFor,
    clock: d.clock,
    random: opts.random ?? Math.random,
    log: d.log,
    pollMs: opts.pollMs,
    ...(opts.batchLimit !== undefined && { batchLimit: opts.batchLimit }),
    retry: opts.retry ?? { ...DEFAULT_RETRY, maxAgeMs: env.DELIVERY_MAX_AGE_HOURS * 3_600_000 },
    owner: env.VCC_INSTANCE_ID ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    leaseMs: env.DELIVERY_LEASE_SECONDS * 1000,
    onAttempt: (channel, outcome) =>
      d.metrics.attempt(channel, outcome.status, outcome.status === 'retry' && outcome.rateLimited === true),
    onEdit: (channel, outcome) =>
      d.metrics.rootEdit(channel, outcome.status, outcome.status === 'retry' && outcome.rateLimited === true),
    onRefusedWrite: (channel) => d.metrics.writeRefused(channel),
    onSettled: (channel, outcome, items) =>
      d.metrics.settled(
        channel,
        outcome,
        items.map((i) => i.event.receivedAt),
      ),
  });
}

/** The file's routes and the chat subscriptions' routes, joined again only when either changes. */
export function joinRoutes(config: () => NotifyConfig, subscriptions: Subscriptions): () => readonly Route[] {
  let joined: { file: NotifyConfig; chat: readonly Route[]; routes: readonly Route[] } | null = null;
  return () => {
    const [file, chat] = [config(), subscriptions.routes()];
    if (joined?.file !== file || joined.chat !== chat) joined = { file, chat, routes: [...file.routes, ...chat] };
    return joined.routes;
  };
}

export type Inbound = { start(): Promise<void>; stop(): Promise<void> };

/**
 * Routes beside the webhook: each platform's inbound bridge (chat commands, bot activities),
 * the admin pages (only with ADMIN_TOKEN) and /metrics.
 */
export async function mountExtras(d: {
  settings: Settings;
  store: Store;
  config: () => NotifyConfig;
  subscriptions: Subscriptions;
  renderer: Renderer;
  channels: Channels;
  clock: () => number;
  log: Logger;
  metrics: Metrics;
  worker: DeliveryWorker;
  routesInForce: () => readonly Route[];
}): Promise<{ router: Router; inbound: Inbound[] }> {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.type = d.metrics.registry.contentType;
    ctx.body = await d.metrics.registry.metrics();
  });
  const inbound: Inbound[] = [];
  const { channels } = d;
  for (const p of PLATFORMS) {
    if ('inbound' in p) {
      inbound.push(
        await p.inbound.mount(router, {
          ...channels.context,
          subscriptions: d.subscriptions,
          fileRoutesFor: channels.fileRoutesFor,
          sendTest: channels.sendTest,
        }),
      );
    }
  }
  const token = d.settings.env.ADMIN_TOKEN;
  if (token) {
    (await import('./admin/adminRoutes.ts')).mountAdmin(router, {
      token,
      store: d.store,
      config: d.config,
      subscriptions: d.subscriptions,
      renderer: d.renderer,
      channelConfig: channels.channelConfig,
      clock: d.clock,
      log: d.log,
      onReplay: () => d.worker.wake(),
      routes: d.routesInForce,
    });
  } else {
    router.all(/^\/admin/, (ctx) => {
      ctx.status = 404;
      jsonBody(ctx, { error: { code: 'admin_disabled', message: 'set ADMIN_TOKEN to enable the admin pages' } });
    });
  }
  return { router, inbound };
}

/** Body decryption for the current secret and, during a rotation, for the previous one. */
export function ciphers(settings: Settings) {
  const e = settings.encryption;
  if (!e) return { cipher: null, previousCipher: null };
  return {
    cipher: createBodyCipher(e.cipher, e.key),
    previousCipher: e.previousKey ? createBodyCipher(e.cipher, e.previousKey) : null,
  };
}

/** The HTTP app: the webhook (its secrets, sources, ciphers, metrics, wake-ups) and the extra routes. */
export function webhookApp(d: {
  settings: Settings;
  store: Store;
  log: Logger;
  clock: () => number;
  routesInForce: () => readonly Route[];
  metrics: Metrics;
  worker: DeliveryWorker;
  unauthenticated: UnauthenticatedSummary;
  extras: { router: Router };
  config: ConfigHolder;
}): { koa: Koa; setDraining(f: () => boolean): void } {
  const { settings, metrics } = d;
  // Replaced by the server's once it listens (Connection: close while stopping).
  let draining = () => false;
  const koa = createApp({
    store: d.store,
    log: d.log,
    clock: d.clock,
    routes: d.routesInForce,
    secret: settings.webhookSecret,
    maxBodyBytes: settings.maxBodyBytes,
    previousSecret: settings.previousSecret,
    sources: settings.allowedSources,
    ...ciphers(settings),
    onAuthenticated: (secret) => metrics.secretUsed(secret),
    onAccepted: (_id, chs, kinds) => {
      metrics.accepted(kinds);
      if (chs.length > 0) d.worker.wake(chs);
    },
    onDuplicate: () => metrics.duplicate(),
    onRefused: (code) => metrics.refused(code),
    onUnauthenticated: (address, code) => d.unauthenticated.note(address, code),
    ready: () => ({ config: d.config.get().origin }),
    refusedWrites: () => d.worker.outcomes.refused(),
    draining: () => draining(),
    trustProxy: settings.env.TRUST_PROXY === 'true',
    mount: (router) => {
      router.use(d.extras.router.routes());
    },
  });
  return {
    koa,
    setDraining: (f) => {
      draining = f;
    },
  };
}

/** The HTTP_* settings as the server's connection limits. */
export function connectionLimits(env: Env): ConnectionLimits {
  return {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveMs: env.HTTP_KEEP_ALIVE_SECONDS * 1000,
    maxConnections: env.HTTP_MAX_CONNECTIONS,
  };
}

/** The start-up log lines: where it listens, the store and config, what the environment cannot serve. */
export function announce(d: {
  settings: Settings;
  port: number;
  store: Store;
  log: Logger;
  config: NotifyConfig;
}): void {
  const { settings, port, log } = d;
  if (settings.localOnly) {
    log.warn(
      { host: settings.host, port },
      'VCC_WEBHOOK_SECRET is not set: listening on 127.0.0.1 only, webhook open without a secret',
    );
  }
  log.info({ host: settings.host, port, store: d.store.kind, config: d.config.origin }, 'vcc-notify listening');
  for (const w of channelWarnings(d.config, settings.env)) log.warn(w);
}

/** Warms the channel types the routes in force use (see Channels.warm); logs which. */
export async function warm(channels: Channels, routes: readonly Route[], log: Logger): Promise<void> {
  const types = await channels.warm(routes.map((r) => r.channel)).catch(() => []);
  log.debug({ types }, 'channel types warmed');
}
