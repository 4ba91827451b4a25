import { THREAD_TABLES } from './threadSql.ts';
import { MUTED_INDEX_MIGRATION, muteTable } from './muteSql.ts';
import { HOURS_MIGRATION } from './chatSettingsSql.ts';

/**
 * Schema migrations, one list per dialect, kept in step: version N means the same tables
 * and columns in both. Append only; never edit a released step.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, deliveries, refusals',
    sqlite: `
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        dedup_key TEXT NOT NULL UNIQUE,
        received_at INTEGER NOT NULL,
        vcc_timestamp TEXT,
        user_id TEXT,
        kinds TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES events(id),
        channel TEXT NOT NULL,
        kinds TEXT NOT NULL,
        show TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (event_id, channel)
      );
      CREATE INDEX deliveries_pending ON deliveries (status, channel, id);
      CREATE TABLE refusals (
        id INTEGER PRIMARY KEY,
        received_at INTEGER NOT NULL,
        method TEXT NOT NULL,
        status INTEGER NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        path TEXT,
        body TEXT,
        content_type TEXT,
        remote_addr TEXT
      );`,
    postgres: `
      CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        dedup_key TEXT NOT NULL UNIQUE,
        received_at BIGINT NOT NULL,
        vcc_timestamp TEXT,
        user_id TEXT,
        kinds TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE TABLE deliveries (
        id BIGSERIAL PRIMARY KEY,
        event_id BIGINT NOT NULL REFERENCES events(id),
        channel TEXT NOT NULL,
        kinds TEXT NOT NULL,
        show TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        UNIQUE (event_id, channel)
      );
      CREATE INDEX deliveries_pending ON deliveries (status, channel, id);
      CREATE TABLE refusals (
        id BIGSERIAL PRIMARY KEY,
        received_at BIGINT NOT NULL,
        method TEXT NOT NULL,
        status INTEGER NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        path TEXT,
        body TEXT,
        content_type TEXT,
        remote_addr TEXT
      );`,
  },
  {
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
  },
  {
    version: 3,
    name: 'chat subscriptions',
    sqlite: `
      CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        events TEXT,
        where_terms TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX subscriptions_channel ON subscriptions (channel);`,
    postgres: `
      CREATE TABLE subscriptions (
        id BIGSERIAL PRIMARY KEY,
        channel TEXT NOT NULL,
        events TEXT,
        where_terms TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX subscriptions_channel ON subscriptions (channel);`,
  },
  {
    version: 4,
    name: 'channel leases (one instance works a channel at a time)',
    sqlite: `
      CREATE TABLE channel_leases (
        channel TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until INTEGER NOT NULL,
        last_send_at INTEGER
      );`,
    postgres: `
      CREATE TABLE channel_leases (
        channel TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until BIGINT NOT NULL,
        last_send_at BIGINT
      );`,
  },
  {
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
  },
  {
    version: 6,
    name: 'retries counted from a replay or resend, route mentions, event search',
    // attempts keeps counting across replays; the retry policy counts from retry_base (the
    // attempts made before the last replay) and ages from retry_since (its time).
    // Event search (history, the admin search, the CSV): by user id (an index), and by
    // username, email or name prefix through event_keys, which a background indexer fills in
    // batches (events newer than its progress are matched on their own columns), so ingest
    // pays no index per key. The keys of events already stored are written here.
    sqlite: `
      ALTER TABLE deliveries ADD COLUMN retry_base INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE deliveries ADD COLUMN retry_since INTEGER;
      ALTER TABLE deliveries ADD COLUMN mention TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE subscriptions ADD COLUMN mention TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE events ADD COLUMN username_lc TEXT;
      ALTER TABLE events ADD COLUMN email_lc TEXT;
      ALTER TABLE events ADD COLUMN name_lc TEXT;
      CREATE INDEX events_user ON events (user_id, id);
      CREATE TABLE event_keys (event_id INTEGER NOT NULL, key TEXT NOT NULL);
      INSERT INTO event_keys (event_id, key)
        SELECT id, k FROM (
          SELECT id, 'u' || lower(json_extract(payload, '$.new.username')) AS k FROM events
          UNION ALL SELECT id, 'e' || lower(json_extract(payload, '$.new.email')) FROM events
          UNION ALL SELECT id, 'n' || lower(json_extract(payload, '$.new.name')) FROM events)
        WHERE k IS NOT NULL ORDER BY id;
      CREATE INDEX event_keys_key ON event_keys (key, event_id);
      CREATE INDEX event_keys_event ON event_keys (event_id);
      CREATE TABLE search_progress (id INTEGER PRIMARY KEY CHECK (id = 1), last_event_id INTEGER NOT NULL);
      INSERT INTO search_progress VALUES (1, COALESCE((SELECT MAX(id) FROM events), 0));`,
    postgres: `
      ALTER TABLE deliveries ADD COLUMN retry_base INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE deliveries ADD COLUMN retry_since BIGINT;
      ALTER TABLE deliveries ADD COLUMN mention TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE subscriptions ADD COLUMN mention TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE events ADD COLUMN username_lc TEXT COLLATE "C";
      ALTER TABLE events ADD COLUMN email_lc TEXT COLLATE "C";
      ALTER TABLE events ADD COLUMN name_lc TEXT COLLATE "C";
      CREATE INDEX events_user ON events (user_id, id);
      CREATE TABLE event_keys (event_id BIGINT NOT NULL, key TEXT COLLATE "C" NOT NULL);
      INSERT INTO event_keys (event_id, key)
        SELECT id, k FROM (
          SELECT id, 'u' || lower(payload::json->'new'->>'username') AS k FROM events
          UNION ALL SELECT id, 'e' || lower(payload::json->'new'->>'email') FROM events
          UNION ALL SELECT id, 'n' || lower(payload::json->'new'->>'name') FROM events) x
        WHERE k IS NOT NULL ORDER BY id;
      CREATE INDEX event_keys_key ON event_keys (key, event_id);
      CREATE INDEX event_keys_event ON event_keys (event_id);
      CREATE TABLE search_progress (id INTEGER PRIMARY KEY CHECK (id = 1), last_event_id BIGINT NOT NULL);
      INSERT INTO search_progress VALUES (1, COALESCE((SELECT MAX(id) FROM events), 0));`,
  },
  {
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
  },
  {
    version: 8,
    name: 'threads: one root message per agent and channel',
    sqlite: `ALTER TABLE deliveries ADD COLUMN thread TEXT; ${THREAD_TABLES}`,
    postgres: `ALTER TABLE deliveries ADD COLUMN thread TEXT; ${THREAD_TABLES}`,
  },
  {
    version: 9,
    name: 'mutes (silences), and the deliveries they held back',
    sqlite: muteTable('INTEGER PRIMARY KEY'),
    postgres: muteTable('BIGSERIAL PRIMARY KEY'),
  },
  {
    version: 10,
    name: "hours on routes (kept on each delivery), and chat-made channels' hours",
    sqlite: HOURS_MIGRATION,
    postgres: HOURS_MIGRATION,
  },
  MUTED_INDEX_MIGRATION,
];

/** How many refusals are kept; older ones are pruned so a flood cannot fill the disk. */
export const REFUSALS_KEPT = 10_000;
