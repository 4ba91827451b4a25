import type { Migration } from './Migration.ts';

// A claimed reminder or escalation is owed until its reply is sent (an outbox): `owed` says
// which, `owed_at` when it may be tried (again), `owed_tries` how often it was. A crash or a
// failed send between the claim and the reply no longer loses it.
const SQL = `
  ALTER TABLE reviews ADD COLUMN owed TEXT;
  ALTER TABLE reviews ADD COLUMN owed_at BIGINT;
  ALTER TABLE reviews ADD COLUMN owed_tries INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX reviews_owed ON reviews (owed_at) WHERE owed IS NOT NULL;`;

export default {
  version: 17,
  name: 'review reminders owed until their reply is sent',
  sqlite: SQL,
  postgres: SQL,
} satisfies Migration;
