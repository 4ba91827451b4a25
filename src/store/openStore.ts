import type { Store } from './Store.ts';
import { SqliteStore, type SqliteOptions } from './sqlite.ts';

/**
 * Opens the store named by DATABASE_URL: `sqlite:PATH` (the embedded default) or
 * `postgres://...`. Throws an Error naming the problem for an unknown scheme.
 */
export async function openStore(url: string, opts: SqliteOptions & { writeTimeoutMs?: number } = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) return SqliteStore.open(url.slice('sqlite:'.length) || 'data/vcc-notify.db', opts);
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PostgresStore } = await import('./postgres.ts');
    return PostgresStore.open(url, { writeTimeoutMs: opts.writeTimeoutMs });
  }
  throw new Error('DATABASE_URL: expected sqlite:PATH or postgres://..., got an unknown scheme');
}
