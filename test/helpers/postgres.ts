import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The Postgres server the tests use (CI's and this machine's: trust auth, user postgres). */
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a database of its own for one test and returns its URL and a drop function.
 * Fails (never skips) when the server cannot be reached: the Postgres store must be tested.
 */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `vcc_notify_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
