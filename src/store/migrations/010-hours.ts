import type { Migration } from './Migration.ts';

const SQL = `
      ALTER TABLE deliveries ADD COLUMN hours TEXT;
      CREATE TABLE chat_hours (
        channel TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );`;

export default {
  version: 10,
  name: "hours on routes (kept on each delivery), and chat-made channels' hours",
  sqlite: SQL,
  postgres: SQL,
} satisfies Migration;
