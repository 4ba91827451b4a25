import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * An online, consistent copy of the SQLite store at DATABASE_URL into `dest`, safe while the
 * service runs: SQLite's backup API through better-sqlite3, reading from a connection of its
 * own (WAL: the service keeps writing meanwhile). The first step copies 100 pages; if a write
 * lands between steps SQLite restarts the copy, and every later step takes all remaining
 * pages at once, so the copy is one snapshot and a busy service cannot starve it. The copy is
 * then opened and checked. Never overwrites a file. Throws an Error that names the problem.
 */
export async function backupSqlite(databaseUrl: string, dest: string): Promise<{ events: number; bytes: number }> {
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new Error('backup copies the SQLite store; DATABASE_URL names Postgres: use pg_dump for that');
  }
  const source = databaseUrl.slice('sqlite:'.length) || 'data/vcc-notify.db';
  if (!existsSync(source)) throw new Error(`no SQLite store at ${source} (DATABASE_URL)`);
  if (existsSync(dest)) throw new Error(`${dest} exists already; backup never overwrites a file`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(dest, { progress: ({ remainingPages }) => Math.max(remainingPages, 100) });
  } finally {
    db.close();
  }
  const copy = new Database(dest, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy at ${dest} failed its integrity check: ${String(check)}`);
    const { n } = copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
    return { events: n, bytes: statSync(dest).size };
  } finally {
    copy.close();
  }
}
