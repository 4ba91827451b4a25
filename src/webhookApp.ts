import type Router from '@koa/router';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Env, Settings } from './config/settings.ts';
import { createApp } from './http/app.ts';
import type { ConnectionLimits } from './http/server.ts';
import type { UnauthenticatedSummary } from './http/refusalSummary.ts';
import type { Metrics } from './metrics.ts';
import { createBodyCipher } from './vcc/decrypt.ts';
import type { Route } from './routing/route.ts';
import type { Store } from './store/Store.ts';
import type { DeliveryWorker } from './delivery/DeliveryWorker.ts';
import type { ConfigHolder } from './wiring.ts';

// The composition root's HTTP part: the webhook app and the server's limits.

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
