/** What a person signed in to the admin page may do: read, or also act (replay, resend, mute, decide). */
export const ADMIN_ROLES = ['viewer', 'operator'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** How a session was made: the company's identity provider, or the break-glass ADMIN_TOKEN. */
export const SESSION_VIAS = ['oidc', 'token'] as const;
export type SessionVia = (typeof SESSION_VIAS)[number];

/**
 * A sign-in to the admin page, as the store keeps it: never the session id itself, only its
 * SHA-256 (the cookie holds the id), so a copy of the store opens no session.
 */
export interface AdminSession {
  id: number;
  via: SessionVia;
  role: AdminRole;
  /** The provider's subject (`sub`), or null for a token session. */
  subject: string | null;
  email: string | null;
  name: string;
  /** The client address it was made from. */
  address: string | null;
  createdAt: number;
  lastSeenAt: number;
  /** When it was ended (logout, or ended by an operator), else null. */
  endedAt: number | null;
}

export type NewSession = Omit<AdminSession, 'id' | 'endedAt' | 'lastSeenAt'>;

/** A sign-in under way at the provider: what its callback must match (kept until used, 10 minutes at most). */
export interface PendingLogin {
  /** PKCE's code verifier, sent with the code. */
  verifier: string;
  nonce: string;
  /** The admin page to return to. */
  back: string;
  createdAt: number;
}
