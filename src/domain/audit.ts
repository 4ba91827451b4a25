// The audit log's entries: who did what, when, through which door (src/actions/ writes them).

/** How an action reached us: the admin page, its JSON API, the CLI, a chat platform, or the service itself. */
export const AUDIT_VIAS = ['page', 'api', 'cli', 'chat', 'system'] as const;
export type AuditVia = (typeof AUDIT_VIAS)[number];

/** Done; refused (not allowed, or a bad request: nothing changed); failed (tried, and it did not work). */
export const AUDIT_OUTCOMES = ['done', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One audit entry: append only; it never holds a token, a session id or a password. */
export interface AuditRecord {
  at: number;
  via: AuditVia;
  /** The chat platform (`slack`, `teams`), or null. */
  platform: string | null;
  /** The platform's user id, the signed-in subject, or the OS user; null when there is none. */
  actorId: string | null;
  actorName: string;
  /** What was done, e.g. `mute.add` (src/actions/ names them). */
  action: string;
  /** What it was done to: `channel slack:C0123`, `mute #12`, `event #5`, `delivery #9`, or null. */
  target: string | null;
  /** The network address the request came from, where there is one. */
  address: string | null;
  outcome: AuditOutcome;
  /** For people: what changed, or why it was refused. */
  detail: string;
}

export interface StoredAudit extends AuditRecord {
  id: number;
}

/** What an audit listing filters on; every given filter must hold. */
export interface AuditFilter {
  since?: number;
  until?: number;
  /** An actor id exactly, or part of a display name (any case). */
  who?: string;
  action?: string;
}
