import type { Migration } from './Migration.ts';

// The audit log: append only (nothing updates a row; retention deletes whole days). `at` is
// indexed for the export's time window and for retention; the rest is filtered on that window.
const table = (idColumn: string) => `
  CREATE TABLE audit (
    id ${idColumn},
    at BIGINT NOT NULL,
    via TEXT NOT NULL,
    platform TEXT,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    address TEXT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX audit_at ON audit (at, id);`;

export default {
  version: 12,
  name: 'the audit log: who did what, when, through which door',
  sqlite: table('INTEGER PRIMARY KEY'),
  postgres: table('BIGSERIAL PRIMARY KEY'),
} satisfies Migration;
