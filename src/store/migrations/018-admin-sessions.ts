import type { Migration } from './Migration.ts';

// Admin sign-ins in the store, so they survive a restart and work on every instance behind a
// balancer: a session is found by the SHA-256 of its id (the cookie holds the id, the store
// never does). `admin_logins`: sign-ins under way at the identity provider, by the SHA-256 of
// their state, each taken once by the callback.
const tables = (idColumn: string) => `
  CREATE TABLE admin_sessions (
    id ${idColumn},
    id_hash TEXT NOT NULL UNIQUE,
    via TEXT NOT NULL,
    role TEXT NOT NULL,
    subject TEXT,
    email TEXT,
    name TEXT NOT NULL,
    address TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ended_at BIGINT
  );
  CREATE INDEX admin_sessions_live ON admin_sessions (last_seen_at) WHERE ended_at IS NULL;
  CREATE TABLE admin_logins (
    state_hash TEXT PRIMARY KEY,
    verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    back TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );`;

export default {
  version: 18,
  name: 'admin sessions and sign-ins under way, in the store',
  sqlite: tables('INTEGER PRIMARY KEY'),
  postgres: tables('BIGSERIAL PRIMARY KEY'),
} satisfies Migration;
