import { join } from 'node:path';
import { freshDatabase } from './postgres.ts';

/** The stores a suite of delivery behaviour runs against: every such test runs on each. */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** One test's store: the DATABASE_URL a service (or a restart of it, or the CLI) opens, and its removal. */
export interface TestStore {
  kind: StoreKind;
  url: string;
  drop(): Promise<void>;
}

/** The store made for a test's folder: the service helper opens it for a service started in that folder. */
const byDir = new Map<string, string>();

/** The DATABASE_URL of the store `testStore` made for `dir`, if it made one. */
export const storeUrlFor = (dir: string): string | undefined => byDir.get(dir);

/**
 * SQLite: a file in `dir` (gone with the dir). Postgres: a database of its own, dropped by
 * `drop`. A service the test starts in `dir` (startTestService, serviceWithConfig) opens it.
 */
export async function testStore(kind: StoreKind, dir: string): Promise<TestStore> {
  const db = kind === 'sqlite' ? { url: `sqlite:${join(dir, 'vcc.db')}`, drop: async () => {} } : await freshDatabase();
  byDir.set(dir, db.url);
  return {
    kind,
    url: db.url,
    drop: async () => {
      byDir.delete(dir);
      await db.drop();
    },
  };
}

/**
 * Everything a store holds, as one text to search for secrets: SQLite's files (the database,
 * its WAL and shared memory, as bytes), or every row of every Postgres table as JSON.
 */
export async function storeText(store: TestStore, dir: string): Promise<string> {
  if (store.kind === 'sqlite') {
    const { readdirSync, readFileSync } = await import('node:fs');
    return readdirSync(dir)
      .filter((f) => f.includes('.db'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('\n');
  }
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: store.url });
  await c.connect();
  try {
    const tables = await c.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const texts: string[] = [];
    for (const { t } of tables.rows)
      texts.push(
        ...(await c.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM "${t}" x`)).rows.map((r) => r.j),
      );
    return texts.join('\n');
  } finally {
    await c.end();
  }
}
