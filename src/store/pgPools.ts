import pg from 'pg';
import { pgUnavailable } from './pgBoundary.ts';
import { MIGRATIONS } from './migrations/allMigrations.ts';

/**
 * The Postgres store's two pools. `ingestPool` holds the webhook's own connections, whose
 * statements give up after the write timeout (a lock held by VACUUM FULL or a migration, a
 * stalled server) so VCC gets a 503 and retries instead of waiting; `pool` serves the worker,
 * pages and maintenance, which may take longer.
 */
export function pgPools(url: string, max: number, writeTimeoutMs: number): { pool: pg.Pool; ingestPool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000 });
  const ingestPool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: writeTimeoutMs,
    lock_timeout: writeTimeoutMs,
    statement_timeout: writeTimeoutMs,
  });
  for (const p of [pool, ingestPool]) {
    p.on('error', () => {
      /* an idle client died; the next query reconnects */
    });
    // Each client has a listener of its own for its whole life. pg-pool and checkOut listen
    // only while a client is idle or out, and a terminated backend sends its FATAL (57P01)
    // and then closes: two errors, and under load one of them can land where neither listens
    // (seen: 1 run in ~15 of the backend-terminating test), which ends the process. The
    // failure still reaches whatever uses the client, through its query.
    p.on('connect', (client) => client.on('error', () => {}));
  }
  return { pool, ingestPool };
}

/** A client taken from a pool, and how to give it back. */
export interface CheckedOut {
  client: pg.PoolClient;
  /** Gives the client back; one whose connection failed (`failed`, or broke while out) is discarded. */
  release(failed?: boolean): void;
}

/**
 * Takes a client from `pool` with an 'error' listener of its own for as long as it is out.
 * pg-pool listens for errors on idle clients only: a connection that breaks between two
 * queries of a checked-out client (a server killed, a backend terminated) would otherwise
 * emit an 'error' nobody hears, which ends the process. Connecting fails as a
 * StoreUnavailableError (no URL in it).
 */
export async function checkOut(pool: pg.Pool): Promise<CheckedOut> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw pgUnavailable(e, 'cannot connect to Postgres');
  }
  let broken: Error | null = null;
  const onError = (e: Error) => {
    broken = e;
  };
  client.on('error', onError);
  let released = false;
  return {
    client,
    release(failed = false) {
      if (released) return;
      released = true;
      client.off('error', onError);
      client.release(broken ?? failed);
    },
  };
}

/**
 * Resolves when an ingest could commit now: on an ingest connection (whose lock and statement
 * timeouts are the write timeout), takes and gives back the lock an INSERT takes on events and
 * deliveries. A table locked by VACUUM FULL or a migration fails this as it would fail
 * webhooks (StoreUnavailableError).
 */
export async function pgWritable(ingestPool: pg.Pool): Promise<void> {
  const { client, release } = await checkOut(ingestPool);
  let failed = false;
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE events, deliveries IN ROW EXCLUSIVE MODE');
  } catch (e) {
    failed = true;
    throw pgUnavailable(e, 'a write could not complete in time');
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    release(failed);
  }
}

/** Arbitrary constant key for the migration advisory lock (instances migrate one at a time). */
const MIGRATION_LOCK = 7_340_021;

/** Applies the migrations not yet recorded, inside the caller's transaction, one instance at a time. */
export async function pgMigrate(c: pg.PoolClient): Promise<void> {
  await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  await c.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const done = new Set(
    (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
  );
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await c.query(m.postgres);
    await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      m.version,
      m.name,
      Date.now(),
    ]);
  }
}
