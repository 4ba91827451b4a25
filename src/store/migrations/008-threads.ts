import type { Migration } from './Migration.ts';

// The thread roots (one per agent and threaded channel) and chat-made channels' thread settings.
const SQL = `
  ALTER TABLE deliveries ADD COLUMN thread TEXT;
      CREATE TABLE thread_roots (
        channel TEXT NOT NULL,
        user_id TEXT NOT NULL,
        ref TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        last_at BIGINT NOT NULL,
        changes INTEGER NOT NULL,
        last_event_id BIGINT NOT NULL,
        edit_due_at BIGINT,
        edit_attempts INTEGER NOT NULL DEFAULT 0,
        edit_error TEXT,
        edited_at BIGINT,
        replaced INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (channel, user_id)
      );
      CREATE INDEX thread_roots_edits ON thread_roots (edit_due_at) WHERE edit_due_at IS NOT NULL;
      CREATE INDEX thread_roots_user ON thread_roots (user_id);
      CREATE TABLE chat_threads (
        channel TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );`;

export default {
  version: 8,
  name: 'threads: one root message per agent and channel',
  sqlite: SQL,
  postgres: SQL,
} satisfies Migration;
