import type { DestinationStream, Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import type { NotifyConfig } from './config/NotifyConfig.ts';
import type { SqliteOptions } from './store/sqlite.ts';
import type { Store } from './store/Store.ts';
import type { DeliveryWorker, RetryPolicy } from './delivery/DeliveryWorker.ts';

export interface ServiceOptions {
  settings: Settings;
  clock?: () => number;
  random?: () => number;
  logDestination?: DestinationStream;
  sqlite?: SqliteOptions;
  /** The store, already being opened by the caller (openServiceStore); the service owns it from here. */
  storeOpening?: Promise<Store>;
  retry?: RetryPolicy;
  pollMs?: number;
  /** Deliveries the worker reads per channel at a time (default 500). */
  batchLimit?: number;
  /** How often refused unauthenticated webhooks are summarized in the log (default 60 s). */
  refusalSummaryMs?: number;
  /** How often due review reminders are looked for (default 30 s). */
  reviewRemindMs?: number;
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
