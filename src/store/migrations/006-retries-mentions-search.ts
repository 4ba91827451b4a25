import type { Migration } from './Migration.ts';

export default {
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
} satisfies Migration;
