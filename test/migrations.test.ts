import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MIGRATIONS } from '../src/store/migrations/allMigrations.ts';
import { openStore } from '../src/store/openStore.ts';
import { createdEvent } from './helpers/fixtures.ts';
import { cleanup, tempDir } from './helpers/service.ts';
import { eachStore, testStore } from './helpers/stores.ts';

test('migrations are one file each, NNN-name.ts, numbered as their version, in order, none missing', (t) => {
  const files = readdirSync(join(import.meta.dirname, '../src/store/migrations')).filter((f) => /^\d{3}-/.test(f));
  t.deepEqual(
    files.map((f) => Number(f.slice(0, 3))),
    MIGRATIONS.map((m) => m.version),
  );
  t.deepEqual(
    MIGRATIONS.map((m) => m.version),
    MIGRATIONS.map((_, i) => i + 1),
  );
});

/** Applies the first `n` migrations to an empty database of `kind` at `url`, as a release that had only those would. */
async function applyFirst(kind: 'sqlite' | 'postgres', url: string, n: number): Promise<void> {
  const create =
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';
  if (kind === 'sqlite') {
    const db = new Database(url.slice('sqlite:'.length));
    db.exec(create);
    for (const m of MIGRATIONS.slice(0, n)) {
      db.exec(m.sqlite);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    db.close();
    return;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(create);
    for (const m of MIGRATIONS.slice(0, n)) {
      await c.query(m.postgres);
      await c.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
    }
  } finally {
    await c.end();
  }
}

eachStore('every migration applies on a store the one before it left, and the store then works', async (t, kind) => {
  for (let n = 1; n <= MIGRATIONS.length; n += 1) {
    const dir = tempDir();
    const db = await testStore(kind, dir);
    try {
      await applyFirst(kind, db.url, n - 1);
      const store = await openStore(db.url, { writerThread: false });
      try {
        const r = await store.ingest(createdEvent(`m${n}`), [
          { channel: 'ops', kinds: ['user.created'], show: [], mention: [] },
        ]);
        t.is(r.status, 'accepted', `from version ${n - 1}`);
        t.deepEqual(await store.listAudit({ limit: 5 }), [], `from version ${n - 1}`);
        t.is((await store.listDeliveries({ limit: 5 })).length, 1, `from version ${n - 1}`);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
      cleanup(dir);
    }
  }
});
