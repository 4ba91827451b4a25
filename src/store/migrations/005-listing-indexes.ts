import type { Migration } from './Migration.ts';

export default {
  version: 5,
  name: 'indexes for listings and retention',
  // Retention by age scanned whole tables without these, and checked each old event for a
  // pending delivery through the pending-work index (every pending row, per event); a
  // listing by status (`deliveries --status sent`, the dead page) sorted every match.
  sqlite: `
    CREATE INDEX deliveries_event_status ON deliveries (event_id, status);
    CREATE INDEX deliveries_status ON deliveries (status, id);
    CREATE INDEX events_received ON events (received_at);
    CREATE INDEX refusals_received ON refusals (received_at);`,
  postgres: `
    CREATE INDEX deliveries_event_status ON deliveries (event_id, status);
    CREATE INDEX deliveries_status ON deliveries (status, id);
    CREATE INDEX events_received ON events (received_at);
    CREATE INDEX refusals_received ON refusals (received_at);`,
} satisfies Migration;
