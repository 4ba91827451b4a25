import type { Migration } from './Migration.ts';
import m001 from './001-events-deliveries-refusals.ts';
import m002 from './002-conversations.ts';
import m003 from './003-subscriptions.ts';
import m004 from './004-channel-leases.ts';
import m005 from './005-listing-indexes.ts';
import m006 from './006-retries-mentions-search.ts';
import m007 from './007-postgres-delivery-indexes.ts';
import m008 from './008-threads.ts';
import m009 from './009-mutes.ts';
import m010 from './010-hours.ts';
import m011 from './011-muted-index.ts';
import m012 from './012-audit.ts';
import m013 from './013-message-refs.ts';
import m014 from './014-reviews.ts';
import m015 from './015-chat-reviews.ts';
import m016 from './016-thread-refs.ts';
import m017 from './017-owed-reminders.ts';
import m018 from './018-admin-sessions.ts';

export type { Migration };

/** Every migration, in the order they are applied (src/store/migrations/NNN-name.ts). */
export const MIGRATIONS: readonly Migration[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m006,
  m007,
  m008,
  m009,
  m010,
  m011,
  m012,
  m013,
  m014,
  m015,
  m016,
  m017,
  m018,
];
