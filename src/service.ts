import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { createApp } from './http/app.ts';
import { createLogger } from './logger.ts';
import type { Settings } from './config/settings.ts';
import { BUILTIN_CONFIG, type NotifyConfig } from './config/NotifyConfig.ts';
import { openStore } from './store/openStore.ts';
import type { SqliteOptions } from './store/sqlite.ts';
import type { Store } from './store/Store.ts';
import { createBodyCipher } from './vcc/decrypt.ts';
import { DeliveryWorker, type ChannelPlan, type RetryPolicy } from './delivery/DeliveryWorker.ts';
import { consoleAdapter } from './adapters/console.ts';
import { plainMessages } from './render/plainMessage.ts';

export interface ServiceOptions {
  settings: Settings;
  clock?: () => number;
  random?: () => number;
  logDestination?: DestinationStream;
  sqlite?: SqliteOptions;
  /** Where the console channel prints (stdout by default). */
  consoleWrite?: (text: string) => void;
  retry?: RetryPolicy;
  pollMs?: number;
  /** Start the delivery worker (default true). */
  worker?: boolean;
}

export interface RunningService {
  url: string;
  port: number;
  store: Store;
  worker: DeliveryWorker;
  log: Logger;
  config: () => NotifyConfig;
  /** Graceful: stop taking requests, finish sends in flight, close the store. */
  stop(): Promise<void>;
}

/** The composition root: opens the store, builds the HTTP app and the worker, listens. */
export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const { settings } = opts;
  const clock = opts.clock ?? Date.now;
  const log = createLogger(settings.logLevel, opts.logDestination);
  const cipher = settings.encryption ? createBodyCipher(settings.encryption.cipher, settings.encryption.key) : null;
  const store = await openStore(settings.databaseUrl, opts.sqlite);
  const config: NotifyConfig = BUILTIN_CONFIG;
  const consoleOut = consoleAdapter(opts.consoleWrite);

  const plan = (channel: string): ChannelPlan => {
    const ch = config.channels[channel];
    if (!ch) return { ok: false, reason: `channel "${channel}" is not in the config in force` };
    if (ch.type !== 'console') return { ok: false, reason: `channel type ${ch.type} is not supported yet` };
    return { ok: true, adapter: consoleOut, limits: [], messages: plainMessages };
  };
  const worker = new DeliveryWorker({
    store, plan, clock, random: opts.random ?? Math.random, log, retry: opts.retry, pollMs: opts.pollMs,
  });

  const app = createApp({
    store,
    log,
    secret: settings.webhookSecret,
    cipher,
    maxBodyBytes: settings.maxBodyBytes,
    routes: () => config.routes,
    clock,
    onAccepted: (_id, channels) => worker.wake(channels),
  });
  const server: Server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  if (settings.localOnly) {
    log.warn({ host: settings.host, port }, 'VCC_WEBHOOK_SECRET is not set: listening on 127.0.0.1 only, webhook open without a secret');
  }
  log.info({ host: settings.host, port, store: store.kind, config: config.origin }, 'vcc-notify listening');
  if (opts.worker !== false) worker.start();

  let stopping: Promise<void> | null = null;
  return {
    url: `http://${settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${port}`,
    port,
    store,
    worker,
    log,
    config: () => config,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await worker.stop();
        await store.close();
        log.info('vcc-notify stopped');
        log.flush();
      })();
      return stopping;
    },
  };
}
