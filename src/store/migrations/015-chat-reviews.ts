import type { Migration } from './Migration.ts';

// Reviews from chat: a chat subscription may ask for a decision (`/vcc subscribe ... review`),
// and a chat-made channel keeps who may decide (`/vcc reviewers ...`).
const SQL = `
  ALTER TABLE subscriptions ADD COLUMN review INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE chat_reviewers (
    channel TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
  );`;

export default {
  version: 15,
  name: 'reviews from chat: reviewed subscriptions, chat-made channels reviewers',
  sqlite: SQL,
  postgres: SQL,
} satisfies Migration;
