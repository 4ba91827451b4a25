import { COUNT, type TxStep } from './TxStep.ts';
import type { AuditFilter, AuditOutcome, AuditRecord, AuditVia, StoredAudit } from '../domain/audit.ts';

/** Audit entries, read and pruned (they are written with the action: `auditStep`). */
export interface AuditStore {
  /** Entries matching the filter, oldest first, after `afterId` (keyset pages), at most `limit`. */
  listAudit(f: AuditFilter & { afterId?: number; limit: number }): Promise<StoredAudit[]>;
  /** Deletes at most `limit` of the oldest entries made before `before`; returns how many went. */
  pruneAudit(before: number, limit: number): Promise<number>;
}

/**
 * The INSERT of an audit entry. `idFrom`: the target's number comes from an earlier step's
 * first row (`[step, column]`): the target reads `mute #12` once that step made mute 12.
 * `countFrom`: `{n}` in the detail becomes how many rows that step returned or changed.
 */
export function auditStep(
  r: AuditRecord,
  refs: { idFrom?: readonly [number, string]; countFrom?: number } = {},
): TxStep {
  const from: Record<string, readonly [number, string]> = {};
  if (refs.idFrom) from.tid = refs.idFrom;
  if (refs.countFrom !== undefined) from.n = [refs.countFrom, COUNT];
  return {
    sql: `INSERT INTO audit (at, via, platform, actor_id, actor_name, action, target, address, outcome, detail)
          VALUES ($at, $via, $platform, $actor, $name, $action,
                  CAST($target AS TEXT) || COALESCE(' #' || CAST(CAST($tid AS BIGINT) AS TEXT), ''),
                  $address, $outcome, REPLACE(CAST($detail AS TEXT), '{n}', COALESCE(CAST(CAST($n AS BIGINT) AS TEXT), '?')))`,
    params: {
      at: r.at,
      via: r.via,
      platform: r.platform,
      actor: r.actorId,
      name: r.actorName,
      action: r.action,
      target: r.target,
      tid: null,
      address: r.address,
      outcome: r.outcome,
      detail: r.detail,
      n: null,
    },
    returns: 'count',
    ...(Object.keys(from).length ? { from } : {}),
  };
}

/** The listing, in both dialects (`$name` parameters; `$like` is a lower-case LIKE pattern). */
export const AUDIT_LIST_SQL = `
  SELECT * FROM audit
  WHERE id > $after AND at >= $since AND at < $until
    AND (CAST($action AS TEXT) IS NULL OR action = $action)
    AND (CAST($who AS TEXT) IS NULL OR actor_id = $who OR lower(actor_name) LIKE $like ESCAPE '!')
  ORDER BY id LIMIT $limit`;

export function auditListParams(f: AuditFilter & { afterId?: number; limit: number }) {
  const who = f.who ?? null;
  return {
    after: f.afterId ?? 0,
    since: f.since ?? 0,
    until: f.until ?? Number.MAX_SAFE_INTEGER,
    action: f.action ?? null,
    who,
    like: who === null ? null : `%${who.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`,
    limit: f.limit,
  };
}

export const AUDIT_PRUNE_SQL =
  'DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < $before ORDER BY at, id LIMIT $limit)';

export interface AuditRow {
  id: number | string;
  at: number | string;
  via: string;
  platform: string | null;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target: string | null;
  address: string | null;
  outcome: string;
  detail: string;
}

export const toAudit = (r: AuditRow): StoredAudit => ({
  id: Number(r.id),
  at: Number(r.at),
  via: r.via as AuditVia,
  platform: r.platform,
  actorId: r.actor_id,
  actorName: r.actor_name,
  action: r.action,
  target: r.target,
  address: r.address,
  outcome: r.outcome as AuditOutcome,
  detail: r.detail,
});
