import type { Migration } from './Migration.ts';

const SQL = "CREATE INDEX deliveries_muted ON deliveries (muted_by) WHERE status = 'muted';";

export default {
  version: 11,
  name: 'the deliveries each mute holds, by mute',
  sqlite: SQL,
  postgres: SQL,
} satisfies Migration;
