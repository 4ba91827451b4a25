import type { Migration } from './Migration.ts';

const table = (idColumn: string) => `
  CREATE TABLE mutes (
    id ${idColumn},
    channel TEXT,
    kinds TEXT,
    where_terms TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    comment TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX mutes_ends ON mutes (ends_at);
  ALTER TABLE deliveries ADD COLUMN muted_by BIGINT;`;

export default {
  version: 9,
  name: 'mutes (silences), and the deliveries they held back',
  sqlite: table('INTEGER PRIMARY KEY'),
  postgres: table('BIGSERIAL PRIMARY KEY'),
} satisfies Migration;
