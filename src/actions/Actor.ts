import type { AuditVia } from '../store/Store.ts';
import { sanitizeLine } from '../render/sanitize.ts';

/**
 * Who does an action, and through which door: the admin page or its API, the CLI, a chat
 * platform, or the service itself. `id` is what a policy checks (a platform user id, a
 * signed-in subject, the OS user); `name` is what people read. Never a token or a session id.
 */
export interface Actor {
  via: AuditVia;
  /** The chat platform (`slack`, `teams`) for `chat`; else null. */
  platform: string | null;
  id: string | null;
  name: string;
  /** The client's network address, for page and API requests. */
  address: string | null;
  /**
   * Asks the door this actor came through for their e-mail address (a Teams click: the
   * conversation's member lookup, which needs that click's turn); null when it cannot tell.
   * Asked only when needed (a review's self-review check); never stored.
   */
  email?: () => Promise<string | null>;
}

const clean = (s: string, max: number) => sanitizeLine(s).slice(0, max);

/** Someone typing in a chat channel. */
export const chatActor = (platform: string, userId: string, name?: string): Actor => ({
  via: 'chat',
  platform,
  id: clean(userId, 200),
  name: clean(name ?? userId, 120),
  address: null,
});

/** Someone running the CLI as this OS user. */
export const cliActor = (osUser: string): Actor => ({
  via: 'cli',
  platform: null,
  id: clean(osUser, 64),
  name: clean(osUser, 64),
  address: null,
});

/** Someone on the admin page (`page`) or calling its JSON API (`api`), from `address`. */
export const adminActor = (via: 'page' | 'api', address: string, who?: { id: string; name: string }): Actor => ({
  via,
  platform: null,
  id: who ? clean(who.id, 200) : null,
  name: who ? clean(who.name, 120) : via === 'page' ? 'admin page' : 'admin API',
  address: clean(address, 64),
});

/** The service acting on its own (retention). */
export const SYSTEM_ACTOR: Actor = { via: 'system', platform: null, id: null, name: 'vcc-notify', address: null };

/**
 * How a record made by this actor names it (a mute's `created by`, a subscription's): as the
 * doors wrote it before the audit log, `admin page`, `cli:<user>`, `chat:<id>`.
 */
export function byLabel(a: Actor): string {
  if (a.via === 'cli') return `cli:${a.name.slice(0, 40)}`;
  if (a.via === 'chat') return `chat:${a.id ?? a.name}`;
  return a.id ? `${a.via}:${a.name}` : a.name;
}
