/**
 * One schema migration: version N means the same tables and columns in both dialects. A file
 * per migration (`NNN-name.ts`), applied in order; never edit a released one.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}
