import type { Migration } from './Migration.ts';

// The root of the thread each delivery sent as a reply went into (Slack ts, Teams activity
// id; null for a root or a channel message): where a reminder of a request in a thread goes,
// as a platform replies to a thread's root, not to one of its replies.
const SQL = 'ALTER TABLE deliveries ADD COLUMN thread_ref TEXT;';

export default {
  version: 16,
  name: 'the thread root of each delivery sent as a reply',
  sqlite: SQL,
  postgres: SQL,
} satisfies Migration;
