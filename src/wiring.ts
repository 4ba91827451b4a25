import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import { jsonBody } from './http/jsonBody.ts';
import type { NotifyConfig } from './config/NotifyConfig.ts';
import { ConfigError, loadConfig } from './config/loadConfig.ts';
import type { Metrics } from './metrics.ts';
import type { Route } from './routing/route.ts';
import { openServiceStore } from './storeOpening.ts';
import type { Store } from './store/Store.ts';
import { DEFAULT_RETRY, DeliveryWorker, type WorkerDeps } from './delivery/DeliveryWorker.ts';
import type { Subscriptions } from './chat/Subscriptions.ts';
import type { Renderer } from './render/Renderer.ts';
import { PLATFORMS } from './platforms/registry.ts';
import { channelWarnings, loadRenderer, type Channels } from './channels/Channels.ts';

import type { ServiceOptions } from './ServiceOptions.ts';
import type { Actions } from './actions/Actions.ts';
import type { ChangePolicy } from './actions/ChangePolicy.ts';
import { adminSignIn, linkReviewProblems, signInWarning } from './config/adminSignIn.ts';

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
  const readConfig = () => {
    const c = loadConfig(settings.configPath, settings.source, { isDefaultPath: !settings.configExplicit });
    const problems = linkReviewProblems(c, env);
    if (problems.length) throw new ConfigError(`${c.origin}:\n  ${problems.join('\n  ')}`);
    return c;
  };
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
 * the admin pages (only with ADMIN_TOKEN or ADMIN_OIDC_ISSUER) and /metrics.
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
  actions: Actions;
  policy: ChangePolicy;
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
          actions: d.actions,
          policy: d.policy,
        }),
      );
    }
  }
  const signIn = adminSignIn(d.settings.env);
  if (signIn !== null && typeof signIn !== 'string') {
    await (
      await import('./admin/adminRoutes.ts')
    ).mountAdmin(router, {
      signIn,
      store: d.store,
      config: d.config,
      subscriptions: d.subscriptions,
      renderer: d.renderer,
      channelConfig: channels.channelConfig,
      clock: d.clock,
      log: d.log,
      actions: d.actions,
    });
  } else {
    router.all(/^\/admin/, (ctx) => {
      ctx.status = 404;
      jsonBody(ctx, {
        error: { code: 'admin_disabled', message: 'set ADMIN_TOKEN or ADMIN_OIDC_ISSUER to enable the admin pages' },
      });
    });
  }
  return { router, inbound };
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
  const signIn = adminSignIn(settings.env);
  const w = typeof signIn === 'string' ? null : signInWarning(signIn);
  if (w) log.warn(w);
}

/** Warms the channel types the routes in force use (see Channels.warm); logs which. */
export async function warm(channels: Channels, routes: readonly Route[], log: Logger): Promise<void> {
  const types = await channels.warm(routes.map((r) => r.channel)).catch(() => []);
  log.debug({ types }, 'channel types warmed');
}
