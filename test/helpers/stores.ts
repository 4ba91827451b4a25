import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
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

/** SQLite: a file in `dir` (gone with the dir). Postgres: a database of its own, dropped by `drop`. */
export async function testStore(kind: StoreKind, dir: string): Promise<TestStore> {
  if (kind === 'sqlite') return { kind, url: `sqlite:${join(dir, 'vcc.db')}`, drop: async () => {} };
  const db = await freshDatabase();
  return { kind, url: db.url, drop: db.drop };
}

/**
 * Declares one test per store kind, titled `title [sqlite]` and `title [postgres]`: one
 * parametrised suite, so a difference between the dialects fails a test.
 */
export function eachStore(title: string, fn: (t: ExecutionContext, kind: StoreKind) => Promise<void>): void {
  for (const kind of STORE_KINDS) test(`${title} [${kind}]`, (t) => fn(t, kind));
}
