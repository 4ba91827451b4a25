import type { Migration } from './Migration.ts';

export default {
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
} satisfies Migration;
