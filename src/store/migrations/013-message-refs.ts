import type { Migration } from './Migration.ts';

// The platform's reference of the message that carried each sent delivery (Slack ts, Teams
// activity id; null where the platform gives none, as webhooks): what an update addresses.
const SQL = 'ALTER TABLE deliveries ADD COLUMN ref TEXT;';

export default {
  version: 13,
  name: "each sent delivery's message, as the platform names it",
  sqlite: SQL,
  postgres: SQL,
} satisfies Migration;
