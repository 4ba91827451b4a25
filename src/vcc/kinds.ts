/** Event kinds, the public names routes and chat commands use (docs/vcc-live.md "What changed: event kinds"). */
export const EVENT_KINDS = [
  'user.created',
  'user.state_changed',
  'user.transport_changed',
  'user.role_changed',
  'user.password_changed',
  'user.updated',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The short name people type for each kind (chat commands, CLI options, admin filters). */
const SHORT_NAME = {
  'user.created': 'created',
  'user.state_changed': 'state',
  'user.transport_changed': 'transport',
  'user.role_changed': 'role',
  'user.password_changed': 'password',
  'user.updated': 'updated',
} as const satisfies Record<EventKind, string>;

/** Short name to kind, derived from SHORT_NAME. */
export const SHORT_KINDS: Readonly<Record<string, EventKind>> = Object.fromEntries(
  EVENT_KINDS.map((k) => [SHORT_NAME[k], k]),
);
