import type { Migration } from './Migration.ts';

export default {
  version: 3,
  name: 'chat subscriptions',
  sqlite: `
    CREATE TABLE subscriptions (
      id INTEGER PRIMARY KEY,
      channel TEXT NOT NULL,
      events TEXT,
      where_terms TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX subscriptions_channel ON subscriptions (channel);`,
  postgres: `
    CREATE TABLE subscriptions (
      id BIGSERIAL PRIMARY KEY,
      channel TEXT NOT NULL,
      events TEXT,
      where_terms TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at BIGINT NOT NULL
    );
    CREATE INDEX subscriptions_channel ON subscriptions (channel);`,
} satisfies Migration;
