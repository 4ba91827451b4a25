import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { backgroundTasks, retentionOf } from './backgroundTasks.ts';
import { listen } from './http/server.ts';
import { UnauthenticatedSummary } from './http/refusalSummary.ts';
import { Subscriptions } from './chat/Subscriptions.ts';
import { createChannels } from './channels/Channels.ts';
import { actionsFor } from './actionsFor.ts';

import { announce, warm, createWorker, joinRoutes, mountExtras, openParts } from './wiring.ts';
import { connectionLimits, webhookApp } from './webhookApp.ts';
import { running } from './running.ts';
import type { RunningService, ServiceOptions } from './ServiceOptions.ts';

export type { RunningService, ServiceOptions };

/** The composition root: opens the store, wires config, platforms, worker and HTTP, listens. */
export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const { settings } = opts;
  const { env } = settings;
  const clock = opts.clock ?? Date.now;
  const log = createLogger(settings.logLevel, opts.logDestination);
  const { store, config, readConfig, renderer } = await openParts(opts);
  const subscriptions = new Subscriptions(store, clock);
  await subscriptions.refresh();
  const channels = createChannels({
    env,
    conversations: store,
    config: config.get,
    clock,
    log,
    renderer,
    fetch: opts.fetch,
    publicUrl: env.PUBLIC_URL,
    chatSetting: (what, channel) => subscriptions.settingOf(what, channel),
  });
  const metrics = createMetrics(store, clock);
  const worker = createWorker(opts, { store, senderFor: channels.senderFor, clock, log, metrics });
  const routesInForce = joinRoutes(config.get, subscriptions);
  const maxSubscriptions = env.CHAT_MAX_SUBSCRIPTIONS;
  const wake = () => worker.wake();
  const parts = { store, clock, log, config: config.get, subscriptions, channels, routes: routesInForce };
  const acting = actionsFor({ ...parts, maxSubscriptions, wake, observeReviews: metrics.reviews });
  const core = { settings, store, log, clock, metrics, worker, routesInForce };
  const extras = await mountExtras({ ...core, ...acting, config: config.get, subscriptions, renderer, channels });
  const unauthenticated = new UnauthenticatedSummary(log);
  const app = webhookApp({ ...core, unauthenticated, extras, config });
  const http = await listen(app.koa.callback(), settings.port, settings.host, connectionLimits(env));
  app.setDraining(http.draining); // from now on, responses say Connection: close once stopping
  announce({ settings, port: http.port, store, log, config: config.get() });
  if (opts.worker !== false) worker.start();
  // After readiness, not holding it: the first notification then waits for no SDK to load.
  setImmediate(() => void warm(channels, routesInForce(), log));
  const flushSummary = () => unauthenticated.flush();
  const { refusalSummaryMs: summaryMs, reviewRemindMs: remindMs } = opts;
  const reviews = { remindReviews: () => acting.actions.remindReviews(), remindMs };
  const idleMs = env.ADMIN_SESSION_IDLE_HOURS * 3_600_000;
  const pruneSessions = () => acting.actions.pruneSessions(clock() - idleMs);
  const background = { store, subscriptions, log, clock, ...retentionOf(env), ...reviews, flushSummary, summaryMs };
  const timers = backgroundTasks({ ...background, pruneSessions, onPruned: metrics.pruned });
  for (const i of extras.inbound) await i.start();
  const onReload = metrics.configReloaded;
  return running({ settings, http, store, worker, log, config, readConfig, timers, inbound: extras.inbound, onReload });
}
