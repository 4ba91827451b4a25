import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import type { NotifyConfig } from './config/NotifyConfig.ts';
import { within, type HttpServer } from './http/server.ts';
import type { Store } from './store/Store.ts';
import type { DeliveryWorker } from './delivery/DeliveryWorker.ts';
import { channelWarnings } from './channels/Channels.ts';
import type { RunningService } from './ServiceOptions.ts';
import type { ConfigHolder, Inbound } from './wiring.ts';

/** What the running service holds: the parts it reloads and stops. */
type Parts = {
  settings: Settings;
  http: HttpServer;
  store: Store;
  worker: DeliveryWorker;
  log: Logger;
  config: ConfigHolder;
  readConfig: () => NotifyConfig;
  timers: { stop(): Promise<void> };
  inbound: Inbound[];
  /** A reload's outcome (metrics: vcc_notify_config_reload_ok). */
  onReload?: (ok: boolean) => void;
};

/** The running service's handle: reload the config, stop within SHUTDOWN_TIMEOUT_SECONDS. */
export function running(d: Parts): RunningService {
  const { settings, http, store, worker, log, config } = d;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${http.port}`,
    port: http.port,
    store,
    worker,
    log,
    config: config.get,
    reload: () => reload(d),
    stop() {
      stopping ??= stop(d);
      return stopping;
    },
  };
}

/** Re-reads the config file; a bad file is refused (logged) and the old one stays. */
function reload(d: Parts): boolean {
  const { log, config } = d;
  try {
    config.set(d.readConfig());
    const c = config.get();
    log.info(
      { config: c.origin, channels: Object.keys(c.channels).length, routes: c.routes.length },
      'config reloaded',
    );
    for (const w of channelWarnings(c, d.settings.env)) log.warn(w);
    d.worker.wake();
    d.onReload?.(true);
    return true;
  } catch (e) {
    log.error({ err: { message: (e as Error).message } }, 'config reload refused; the previous config stays in force');
    d.onReload?.(false);
    return false;
  }
}

/** Within SHUTDOWN_TIMEOUT_SECONDS: stop taking requests, finish sends in flight, close the store. */
async function stop(d: Parts): Promise<void> {
  const { env } = d.settings;
  const { log } = d;
  const started = Date.now();
  const left = () => Math.max(0, env.SHUTDOWN_TIMEOUT_SECONDS * 1000 - (Date.now() - started));
  if (!(await d.http.close(left()))) {
    const seconds = env.SHUTDOWN_TIMEOUT_SECONDS;
    log.warn(
      { seconds },
      'shutdown: connections still open at the limit were closed (their requests were not acknowledged)',
    );
  }
  await within(d.timers.stop(), left());
  for (const i of d.inbound) await within(i.stop(), left());
  if (!(await within(d.worker.stop(), left()))) {
    const leaseSeconds = env.DELIVERY_LEASE_SECONDS;
    const why = 'their lease lapses and the next start or another instance sends them';
    log.warn({ leaseSeconds }, `shutdown: sends still in flight at the limit stay pending; ${why}`);
  }
  await d.store.close();
  log.info('vcc-notify stopped');
  log.flush();
}
