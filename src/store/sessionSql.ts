import type { AdminRole, AdminSession, NewSession, PendingLogin, SessionVia } from '../domain/sessions.ts';
import type { TxStep } from './TxStep.ts';

/** Admin sessions, read (they are written by the sign-in actions: `sessionSteps`). */
export interface SessionStore {
  /** The session whose id hashes to `hash`, live or not, or null. */
  sessionByHash(hash: string): Promise<AdminSession | null>;
  /** Sessions not ended and seen since `since` (idle ones are over), newest first, at most `limit`. */
  listSessions(since: number, limit: number): Promise<AdminSession[]>;
}

export const SESSION_SQL = {
  byHash: 'SELECT * FROM admin_sessions WHERE id_hash = $hash',
  live: `SELECT * FROM admin_sessions WHERE ended_at IS NULL AND last_seen_at >= $since
         ORDER BY last_seen_at DESC, id DESC LIMIT $limit`,
} as const;

/** Sign-ins under way are taken within this long, or not at all. */
export const LOGIN_TTL_MS = 10 * 60_000;

export const sessionSteps = {
  /** A new session; returns its id. */
  create: (hash: string, s: NewSession): TxStep => ({
    sql: `INSERT INTO admin_sessions (id_hash, via, role, subject, email, name, address, created_at, last_seen_at)
          VALUES ($hash, $via, $role, $subject, $email, $name, $address, $at, $at) RETURNING id`,
    params: {
      hash,
      via: s.via,
      role: s.role,
      subject: s.subject,
      email: s.email,
      name: s.name,
      address: s.address,
      at: s.createdAt,
    },
    returns: 'rows',
  }),
  /** Seen at `at` (a live session's idle time starts again). */
  touch: (hash: string, at: number): TxStep => ({
    sql: 'UPDATE admin_sessions SET last_seen_at = $at WHERE id_hash = $hash AND ended_at IS NULL AND last_seen_at < $at',
    params: { hash, at },
    returns: 'count',
  }),
  /** Ends a live session, by its id's hash (its own logout) or its number (an operator ending it); returns its id. */
  end: (which: { hash: string } | { id: number }, at: number): TxStep => ({
    sql: `UPDATE admin_sessions SET ended_at = $at
          WHERE ${'hash' in which ? 'id_hash = $hash' : 'id = $id'} AND ended_at IS NULL RETURNING id`,
    params: { at, ...which },
    returns: 'rows',
    needs: true,
  }),
  /** Deletes sessions ended or idle before `before`, and sign-ins under way older than LOGIN_TTL_MS. */
  prune: (before: number, now: number): TxStep[] => [
    {
      sql: 'DELETE FROM admin_sessions WHERE COALESCE(ended_at, last_seen_at) < $before',
      params: { before },
      returns: 'count',
    },
    { sql: 'DELETE FROM admin_logins WHERE created_at < $old', params: { old: now - LOGIN_TTL_MS }, returns: 'count' },
  ],
  startLogin: (stateHash: string, l: PendingLogin): TxStep => ({
    sql: `INSERT INTO admin_logins (state_hash, verifier, nonce, back, created_at) VALUES ($state, $verifier, $nonce, $back, $at)`,
    params: { state: stateHash, verifier: l.verifier, nonce: l.nonce, back: l.back, at: l.createdAt },
    returns: 'count',
  }),
  /** The sign-in under way with this state, taken (deleted) so it works once; nothing when unknown or too old. */
  takeLogin: (stateHash: string, now: number): TxStep => ({
    sql: `DELETE FROM admin_logins WHERE state_hash = $state AND created_at >= $old
          RETURNING verifier, nonce, back, created_at`,
    params: { state: stateHash, old: now - LOGIN_TTL_MS },
    returns: 'rows',
  }),
};

export interface SessionRow {
  id: number | string;
  via: string;
  role: string;
  subject: string | null;
  email: string | null;
  name: string;
  address: string | null;
  created_at: number | string;
  last_seen_at: number | string;
  ended_at: number | string | null;
}

export const toSession = (r: SessionRow): AdminSession => ({
  id: Number(r.id),
  via: r.via as SessionVia,
  role: r.role as AdminRole,
  subject: r.subject,
  email: r.email,
  name: r.name,
  address: r.address,
  createdAt: Number(r.created_at),
  lastSeenAt: Number(r.last_seen_at),
  endedAt: r.ended_at === null ? null : Number(r.ended_at),
});

export const toPendingLogin = (r: Record<string, unknown>): PendingLogin => ({
  verifier: String(r.verifier),
  nonce: String(r.nonce),
  back: String(r.back),
  createdAt: Number(r.created_at),
});
