import type { Migration } from './Migration.ts';

export default {
  version: 7,
  name: 'Postgres: fewer delivery indexes for a sent row to touch',
  // Marking a delivery sent writes a new row version, and Postgres adds an entry for it to
  // every index whose predicate it meets (SQLite updates in place: nothing to change there).
  // The pending work and the rare statuses get partial indexes, which a sent row leaves;
  // (event_id, status) was served as well by the unique (event_id, channel).
  sqlite: '',
  postgres: `
    DROP INDEX deliveries_event_status;
    DROP INDEX deliveries_pending;
    DROP INDEX deliveries_status;
    CREATE INDEX deliveries_pending ON deliveries (channel, id) WHERE status = 'pending';
    CREATE INDEX deliveries_unsent ON deliveries (status, id) WHERE status <> 'sent';`,
} satisfies Migration;
