import { openStore } from './store/openStore.ts';
import type { Store } from './store/Store.ts';
import type { ServiceOptions } from './ServiceOptions.ts';

/**
 * Begins opening the service's store (DATABASE_URL, with the service's options). Light to
 * import, so a caller can start it before loading the HTTP stack: SQLite's writer thread then
 * boots on another core meanwhile instead of after (the CLI's `serve` does). The returned
 * promise is marked handled: a failure surfaces where it is awaited (startService), never as
 * an unhandled rejection while the caller loads.
 */
export function openServiceStore(opts: Pick<ServiceOptions, 'settings' | 'sqlite'>): Promise<Store> {
  const opening = openStore(opts.settings.databaseUrl, {
    ownsLeases: true,
    writeTimeoutMs: opts.settings.env.STORE_WRITE_TIMEOUT_SECONDS * 1000,
    ...opts.sqlite,
  });
  opening.catch(() => {});
  return opening;
}
