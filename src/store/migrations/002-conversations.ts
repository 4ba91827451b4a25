import type { Migration } from './Migration.ts';

export default {
  version: 2,
  name: 'chat conversation references',
  sqlite: `
    CREATE TABLE conversations (
      id TEXT PRIMARY KEY,
      reference TEXT NOT NULL,
      name TEXT,
      updated_at INTEGER NOT NULL
    );`,
  postgres: `
    CREATE TABLE conversations (
      id TEXT PRIMARY KEY,
      reference TEXT NOT NULL,
      name TEXT,
      updated_at BIGINT NOT NULL
    );`,
} satisfies Migration;
