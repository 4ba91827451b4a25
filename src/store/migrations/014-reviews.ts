import type { Migration } from './Migration.ts';

// Reviews: a decision asked of a channel's reviewers on one event (one per event and channel,
// so a resend or replay shows the same one). `what` keeps its own copy of the changes
// (labelled), so a review outlives event retention. A decision is a compare-and-set on
// `status`; reminders are claimed through `next_remind_at`.
const table = (idColumn: string) => `
  ALTER TABLE deliveries ADD COLUMN review INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE reviews (
    id ${idColumn},
    event_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT,
    username TEXT,
    email TEXT,
    what TEXT NOT NULL,
    asked_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    decided_platform TEXT,
    decided_id TEXT,
    decided_name TEXT,
    decided_at BIGINT,
    reason TEXT,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    next_remind_at BIGINT,
    escalated_at BIGINT,
    UNIQUE (event_id, channel)
  );
  CREATE INDEX reviews_asked ON reviews (asked_at, id);
  CREATE INDEX reviews_remind ON reviews (next_remind_at) WHERE next_remind_at IS NOT NULL;`;

export default {
  version: 14,
  name: 'reviews: a decision asked on a change, and who made it',
  sqlite: table('INTEGER PRIMARY KEY'),
  postgres: table('BIGSERIAL PRIMARY KEY'),
} satisfies Migration;
