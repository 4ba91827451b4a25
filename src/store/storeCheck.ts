import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ok, problem, type Finding } from '../domain/checks.ts';
import { MIGRATIONS } from './migrations/allMigrations.ts';

const DEFAULT_SQLITE = 'data/vcc-notify.db';
const TIMEOUT_MS = 5_000;

/** A finding about the store, and whether its migrations are exactly this build's (opening it changes nothing). */
export interface StoreCheck {
  finding: Finding;
  current: boolean;
}
const notCurrent = (finding: Finding): StoreCheck => ({ finding, current: false });

/** What the applied versions say against this build's migrations. */
function migrationFinding(where: string, applied: readonly number[] | null): StoreCheck {
  const known = new Set(MIGRATIONS.map((m) => m.version));
  const newer = (applied ?? []).filter((v) => !known.has(v));
  if (newer.length)
    return notCurrent(
      problem(
        `${where}: migrations ${newer.join(', ')} are from a newer vcc-notify than this one`,
        'run that newer version, or restore a backup made before it',
      ),
    );
  const done = new Set(applied ?? []);
  const pending = MIGRATIONS.filter((m) => !done.has(m.version)).length;
  if (pending === 0)
    return { finding: ok(`${where}: reachable; migrations current (${MIGRATIONS.length})`), current: true };
  return notCurrent(
    ok(`${where}: reachable; ${pending} migrations to apply, which \`vcc-notify serve\` does at start`),
  );
}

/** `host:port/database` of a Postgres URL: never its user's password. */
function pgWhere(url: string): string {
  try {
    const u = new URL(url);
    return `Postgres at ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'Postgres';
  }
}

async function checkPostgres(url: string): Promise<StoreCheck> {
  const where = pgWhere(url);
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: TIMEOUT_MS,
    query_timeout: TIMEOUT_MS,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const t = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
    if (!t.rows[0]?.t) return migrationFinding(where, null);
    const r = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    return migrationFinding(
      where,
      r.rows.map((x) => Number(x.version)),
    );
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { code?: string };
    const why = /^[A-Z0-9_]+$/.test(err.code ?? '') ? `${err.code}: ` : '';
    return notCurrent(
      problem(
        `${where} is not usable (${why}${String(err.message).split('\n')[0]!.slice(0, 160)})`,
        'check DATABASE_URL (host, port, database, user, password) and that Postgres runs and accepts connections from this machine (pg_hba.conf)',
      ),
    );
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkSqlite(path: string): Promise<StoreCheck> {
  const where = `SQLite ${path}`;
  if (!existsSync(path)) {
    const dir = resolve(dirname(path));
    try {
      accessSync(existsSync(dir) ? dir : dirname(dir), constants.W_OK);
      return notCurrent(ok(`${where}: not there yet; the first start creates it`));
    } catch {
      return notCurrent(
        problem(
          `${where}: the service cannot create it (${dir} is not writable)`,
          `create ${dir} for the user that runs the service, or set DATABASE_URL to a writable path`,
        ),
      );
    }
  }
  const { default: Database } = await import('better-sqlite3');
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true, timeout: TIMEOUT_MS });
    try {
      const has = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        .get();
      const applied = has
        ? (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
            (r) => r.version,
          )
        : null;
      return migrationFinding(where, applied);
    } finally {
      db.close();
    }
  } catch (e) {
    return notCurrent(
      problem(
        `${where} cannot be read (${(e as Error).message.slice(0, 160)})`,
        "point DATABASE_URL at the service's database file, or restore it from a backup",
      ),
    );
  }
}

/**
 * Whether the store named by DATABASE_URL can be reached and its migrations are this build's,
 * read-only: nothing is created or migrated (the service does that at start). An unreachable
 * Postgres is a problem: the service cannot start without it. `current`: its migrations are
 * exactly this build's, so opening it changes nothing.
 */
export function checkStore(url: string): Promise<StoreCheck> {
  return url.startsWith('sqlite:') ? checkSqlite(url.slice('sqlite:'.length) || DEFAULT_SQLITE) : checkPostgres(url);
}
