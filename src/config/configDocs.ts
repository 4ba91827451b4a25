import type { envShape } from './settings.ts';

/** One line of meaning for a setting; `secret`: never logged, shown or echoed. */
export interface SettingDoc {
  what: string;
  secret?: true;
  /** What an unset variable means, when it is not a plain default value. */
  unset?: string;
}

type ServiceVar = keyof (typeof envShape)['schema'];

/** The service's own variables (docs/configuration-reference.md): a variable without a line fails to compile. */
export const SERVICE_ENV_DOCS = {
  PORT: { what: 'HTTP port (`0` picks a free one)' },
  HOST: { what: 'bind address; used only when VCC_WEBHOOK_SECRET is set, otherwise 127.0.0.1', unset: '0.0.0.0' },
  VCC_WEBHOOK_SECRET: { what: 'the `secret-key` VCC Live puts in the webhook URL', secret: true },
  VCC_WEBHOOK_SECRET_PREVIOUS: { what: 'the old secret, also accepted while it is changed in VCC', secret: true },
  VCC_ALLOWED_SOURCES: { what: 'addresses or CIDR blocks allowed to call the webhook; others get 403', unset: 'any' },
  HTTP_HEADERS_TIMEOUT_SECONDS: { what: 'a client must send its request headers within this' },
  HTTP_REQUEST_TIMEOUT_SECONDS: { what: 'a client must send its whole request within this (408 after)' },
  HTTP_KEEP_ALIVE_SECONDS: { what: 'an idle keep-alive connection is closed after this' },
  HTTP_MAX_CONNECTIONS: { what: 'connections open at once; more are closed as they arrive' },
  STORE_WRITE_TIMEOUT_SECONDS: {
    what: 'the longest a write waits for the store (a lock, a stalled server) before 503',
  },
  VCC_ENCRYPTION_CIPHER: { what: 'e.g. `aes-256-ctr`: turns webhook body decryption on' },
  VCC_ENCRYPTION_KEY: {
    what: 'the decryption key, when it is not the secret key',
    secret: true,
    unset: 'VCC_WEBHOOK_SECRET',
  },
  VCC_MAX_BODY_BYTES: { what: 'webhook body size limit (as sent and decompressed)' },
  VCC_NOTIFY_CONFIG: {
    what: 'the config file (channels and routes); a missing default file logs every event',
  },
  VCC_NOTIFY_TEMPLATES: { what: 'the templates folder', unset: "the package's templates/" },
  DATABASE_URL: { what: 'the store: `sqlite:PATH`, or `postgres://...` for several instances', secret: true },
  LOG_LEVEL: { what: 'the log level (pino)' },
  ADMIN_TOKEN: { what: "/admin's API bearer and break-glass login (recorded as `token`)", secret: true },
  ADMIN_OIDC_ISSUER: { what: 'sign in to /admin with an OpenID provider (needs ADMIN_OIDC_CLIENT_ID and PUBLIC_URL)' },
  ADMIN_OIDC_CLIENT_ID: { what: 'the client (app) id registered at the provider' },
  ADMIN_OIDC_CLIENT_SECRET: { what: 'its secret (unset: a public client, PKCE only)', secret: true },
  ADMIN_OIDC_GROUPS_CLAIM: { what: "the ID token claim listing a person's groups" },
  ADMIN_VIEWERS: { what: 'who may read /admin: e-mails, `@domain` entries, group names', unset: 'nobody' },
  ADMIN_OPERATORS: { what: 'who may also act there (replay, resend, mute, decide, end sessions)', unset: 'nobody' },
  ADMIN_SESSION_IDLE_HOURS: { what: 'an admin session unused this long is over' },
  PUBLIC_URL: { what: 'the address people reach the service at: review links, the sign-in redirect' },
  DELIVERY_MAX_AGE_HOURS: { what: 'a delivery failing for longer is marked dead (replayable)' },
  DELIVERY_LEASE_SECONDS: {
    what: "how long an instance holds a channel without renewing; a dead instance's channels move after it",
  },
  CHAT_MAX_SUBSCRIPTIONS: { what: 'subscriptions one chat channel may hold' },
  RETENTION_DAYS: {
    what: 'finished events and refusals are deleted after this many days (0 keeps everything; at least 30)',
  },
  AUDIT_RETENTION_DAYS: { what: 'days the audit log keeps its entries, pruned by whole UTC days (0 keeps everything)' },
  REVIEW_RETENTION_DAYS: { what: 'days decided review requests are kept (0 keeps everything)' },
  SHUTDOWN_TIMEOUT_SECONDS: { what: 'on SIGTERM: finish requests and sends in flight within this' },
  TRUST_PROXY: { what: '`true` behind a reverse proxy you run: client address and HTTPS from X-Forwarded-*' },
  VCC_INSTANCE_ID: { what: "this instance's name in channel leases", unset: 'host:pid:random' },
} as const satisfies Record<ServiceVar, SettingDoc>;

/**
 * The config file's keys, by where they stand (`top`, `route`, `channel`, `interval`; each
 * channel type's own keys are in its platform's record, `keys`). The reference lists every key
 * the schemas accept and stops on one without a line here.
 */
export const YAML_DOCS: Readonly<Record<string, string>> = {
  'top.channels': 'the places messages go, by name',
  'top.routes': 'which events go to which channel (every route that matches sends)',
  'top.labels': 'names shown for field values (e.g. privGroup 2 shown as "Team lead")',
  'top.time_intervals': 'named time ranges for active:/quiet: (Alertmanager field names)',
  'route.channel': 'the channel it sends to',
  'route.events': 'the change kinds it takes (default: every kind)',
  'route.where': "conditions on the user's fields, all of which must hold",
  'route.show': 'extra facts shown in the message',
  'route.mention': "whom the message pages (the channel type's own syntax)",
  'route.review': "what it sends asks the channel's reviewers for a decision",
  'route.active': 'time intervals it sends in (outside them it waits)',
  'route.quiet': 'time intervals it waits out',
  'route.urgent': 'kinds that go at once even in quiet hours',
  'channel.type': 'the channel type (one of the types below)',
  'channel.thread': '`agent`: one thread per agent (types that can thread)',
  'channel.broadcast': 'kinds a thread reply also shows in the channel',
  'channel.thread_days': "days without a change after which an agent's next event starts a new thread (default 30)",
  'channel.active': 'time intervals the channel hears in (outside them it waits)',
  'channel.quiet': 'time intervals the channel waits out',
  'channel.urgent': 'kinds that go at once even in quiet hours',
  'channel.reviewers': 'who decides its review requests (platform ids; e-mails for webhook types, by link)',
  'channel.escalate': 'whom a Not expected or an unanswered request pages',
  'channel.remind_after': 'how long a request waits before a reminder (at least 1m, default 4h)',
  'channel.reminders': 'reminders before the escalation (default 2)',
  'interval.times': 'start_time / end_time ranges (HH:MM)',
  'interval.weekdays': 'days of the week (`monday:friday`)',
  'interval.days_of_month': 'days of the month (`1:7`, `-1`)',
  'interval.months': 'months (`january:march`)',
  'interval.years': 'years (`2026:2027`)',
  'interval.location': 'the time zone (IANA name; default UTC)',
};

/** Where a key's schema type says too little (a map, a union, a value checked later): what it takes, for people. */
export const YAML_TYPES: Readonly<Record<string, string>> = {
  'top.channels': 'map of name to channel',
  'top.routes': 'list of routes',
  'top.labels': 'map of field to (value to shown name)',
  'top.time_intervals': 'map of name to list of ranges',
  'route.where': 'map of field to condition: a value, a list, `{not: ...}`, `{matches: regex}`',
  'route.mention': "list of mentions (the channel type's syntax)",
  'route.active': 'interval name, or list of names',
  'route.quiet': 'interval name, or list of names',
  'route.urgent': 'list of kinds',
  'channel.active': 'interval name, or list of names',
  'channel.quiet': 'interval name, or list of names',
  'channel.reviewers': "list of reviewer ids (the channel type's syntax)",
  'channel.escalate': "list of mentions (the channel type's syntax)",
  'channel.remind_after': 'duration: `30m`, `4h`, `1d`',
  'interval.times': 'list of `{start_time: HH:MM, end_time: HH:MM}`',
};
