import type { Mute, NewMute } from './Store.ts';
import type { WhereTerm } from '../routing/conditions.ts';
import type { EventKind } from '../vcc/changes.ts';

/** The mutes' statements in both dialects (`$name` parameters, as threadSql.ts). */
export const MUTE_SQL = {
  add: `INSERT INTO mutes (channel, kinds, where_terms, starts_at, ends_at, comment, created_by, created_at)
        VALUES ($channel, $kinds, $terms, $starts, $ends, $comment, $by, $at) RETURNING id`,
  active: 'SELECT * FROM mutes WHERE starts_at <= $now AND ends_at > $now ORDER BY id',
  all: 'SELECT * FROM mutes ORDER BY id DESC LIMIT $limit',
  expire: 'UPDATE mutes SET ends_at = $now WHERE id = $id AND ends_at > $now RETURNING id',
  // Once, as a replay: pending again, retries counting from now, never held again (retry_since set).
  release: `UPDATE deliveries SET status = 'pending', retry_base = attempts, retry_since = $now, next_attempt_at = $now,
              updated_at = $now, last_error = NULL
            WHERE muted_by = $id AND status = 'muted' RETURNING id`,
} as const;

export const addMuteParams = (m: NewMute) => ({
  channel: m.channel,
  kinds: m.kinds ? JSON.stringify(m.kinds) : null,
  terms: JSON.stringify(m.where),
  starts: m.startsAt,
  ends: m.endsAt,
  comment: m.comment,
  by: m.createdBy,
  at: m.createdAt,
});

export interface MuteRow {
  id: number | string;
  channel: string | null;
  kinds: string | null;
  where_terms: string;
  starts_at: number | string;
  ends_at: number | string;
  comment: string;
  created_by: string;
  created_at: number | string;
}

export const toMute = (r: MuteRow): Mute => ({
  id: Number(r.id),
  channel: r.channel,
  kinds: r.kinds === null ? null : (JSON.parse(r.kinds) as EventKind[]),
  where: JSON.parse(r.where_terms) as WhereTerm[],
  startsAt: Number(r.starts_at),
  endsAt: Number(r.ends_at),
  comment: r.comment,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
});
