import type { Migration } from './Migration.ts';

export default {
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
} satisfies Migration;
