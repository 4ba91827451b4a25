import { parseSourceList, type SourceList } from './sourceList.ts';
import { adminSignIn } from './adminSignIn.ts';
import { PLATFORMS } from '../platforms/registry.ts';
import type { EnvVars } from '../platforms/Platform.ts';
import {
  coerce,
  defaulted,
  enums,
  integer,
  min,
  number,
  object,
  optional,
  refine,
  string,
  validate,
  type Infer,
} from 'superstruct';

/**
 * Process settings from the environment (names are public: docs/configuration.md "Environment", .env.example).
 * Throws SettingsError naming the variable on a bad value; never echoes a secret's value.
 */
export class SettingsError extends Error {
  readonly code = 'bad_setting';
}

const int = (def: number, lo: number) =>
  defaulted(
    coerce(min(integer(), lo), string(), (s) => (/^\d+$/.test(s) ? Number(s) : NaN)),
    def,
  );

/** The service's own variables (the platforms declare theirs in their folders). */
export const envShape = object({
  PORT: int(3000, 0),
  HOST: optional(string()),
  VCC_WEBHOOK_SECRET: optional(string()),
  VCC_WEBHOOK_SECRET_PREVIOUS: optional(string()),
  VCC_ALLOWED_SOURCES: optional(string()),
  HTTP_HEADERS_TIMEOUT_SECONDS: int(10, 1),
  HTTP_REQUEST_TIMEOUT_SECONDS: int(30, 1),
  HTTP_KEEP_ALIVE_SECONDS: int(65, 1),
  HTTP_MAX_CONNECTIONS: int(1024, 1),
  STORE_WRITE_TIMEOUT_SECONDS: int(5, 1),
  VCC_ENCRYPTION_CIPHER: optional(string()),
  VCC_ENCRYPTION_KEY: optional(string()),
  VCC_MAX_BODY_BYTES: int(64 * 1024, 1),
  VCC_NOTIFY_CONFIG: defaulted(string(), './vcc-notify.yaml'),
  VCC_NOTIFY_TEMPLATES: optional(string()),
  DATABASE_URL: defaulted(string(), 'sqlite:data/vcc-notify.db'),
  LOG_LEVEL: defaulted(enums(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  ADMIN_TOKEN: optional(string()),
  ADMIN_OIDC_ISSUER: optional(string()),
  ADMIN_OIDC_CLIENT_ID: optional(string()),
  ADMIN_OIDC_CLIENT_SECRET: optional(string()),
  ADMIN_OIDC_GROUPS_CLAIM: defaulted(string(), 'groups'),
  ADMIN_VIEWERS: optional(string()),
  ADMIN_OPERATORS: optional(string()),
  ADMIN_SESSION_IDLE_HOURS: int(12, 1),
  PUBLIC_URL: optional(
    refine(
      string(),
      'public url',
      (v) => /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v) || 'expected the http(s) address people reach the service at',
    ),
  ),
  DELIVERY_MAX_AGE_HOURS: defaulted(coerce(min(number(), 0), string(), Number), 24),
  DELIVERY_LEASE_SECONDS: int(30, 1),
  CHAT_MAX_SUBSCRIPTIONS: int(50, 1),
  RETENTION_DAYS: int(90, 0),
  AUDIT_RETENTION_DAYS: int(400, 0),
  REVIEW_RETENTION_DAYS: int(400, 0),
  SHUTDOWN_TIMEOUT_SECONDS: int(10, 1),
  TRUST_PROXY: defaulted(enums(['true', 'false']), 'false'),
  VCC_INSTANCE_ID: optional(string()),
});

/** Every platform's variables (declared in its folder), validated beside the service's own. */
const platformShape = Object.fromEntries(
  PLATFORMS.flatMap((p) => Object.entries(p.env as EnvVars)).map(([name, v]) => [
    name,
    optional(v.values ? enums(v.values as string[]) : string()),
  ]),
);
const fullShape = object({ ...envShape.schema, ...platformShape });

type AllVars<P> = P extends { env: infer E } ? keyof E : never;
type PlatformVar = AllVars<(typeof PLATFORMS)[number]> & string;
export type Env = Infer<typeof envShape> & { readonly [K in PlatformVar]?: string };

/** VCC retries 15 times with doubling delays (1 min ... 2^14 min, about 23 days in all). */
export const MIN_RETENTION_DAYS = 30;

export interface Settings {
  port: number;
  host: string;
  /** True when HOST was forced to 127.0.0.1 because no webhook secret is set. */
  localOnly: boolean;
  webhookSecret: string | null;
  /** VCC_WEBHOOK_SECRET_PREVIOUS: the old secret, also accepted during a rotation. */
  previousSecret: string | null;
  /** `previousKey`: the key for bodies sent with the previous secret (when the key is the secret). */
  encryption: { cipher: string; key: string; previousKey: string | null } | null;
  /** VCC_ALLOWED_SOURCES, parsed: only these client addresses reach the webhook. */
  allowedSources: SourceList | null;
  maxBodyBytes: number;
  configPath: string;
  /** True when VCC_NOTIFY_CONFIG was set: then a missing file is an error, not the built-in. */
  configExplicit: boolean;
  databaseUrl: string;
  logLevel: Env['LOG_LEVEL'];
  env: Env;
  /** The environment these settings came from (`${ENV}` interpolation in the config file). */
  source: NodeJS.ProcessEnv;
}

const blankToUndefined = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && v !== '' && k in fullShape.schema));

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const given = blankToUndefined(env);
  const [err, valid] = validate(given, fullShape, { coerce: true });
  const e = valid as Env;
  if (err) {
    const f = err.failures()[0]!;
    throw new SettingsError(`${f.path.join('.')}: invalid value (${f.message.replace(/`[^`]*`/g, '').trim()})`);
  }
  const secret = e.VCC_WEBHOOK_SECRET ?? null;
  checkCombinations(e);
  const allowedSources = sourcesOf(e);
  return {
    port: e.PORT,
    host: secret ? (e.HOST ?? '0.0.0.0') : '127.0.0.1',
    localOnly: !secret,
    webhookSecret: secret,
    previousSecret: e.VCC_WEBHOOK_SECRET_PREVIOUS ?? null,
    encryption: e.VCC_ENCRYPTION_CIPHER
      ? {
          cipher: e.VCC_ENCRYPTION_CIPHER,
          key: (e.VCC_ENCRYPTION_KEY ?? secret)!,
          previousKey: e.VCC_ENCRYPTION_KEY ? null : (e.VCC_WEBHOOK_SECRET_PREVIOUS ?? null),
        }
      : null,
    allowedSources,
    maxBodyBytes: e.VCC_MAX_BODY_BYTES,
    configPath: e.VCC_NOTIFY_CONFIG,
    configExplicit: 'VCC_NOTIFY_CONFIG' in given,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    env: e,
    source: env,
  };
}

/** Settings that are valid alone but not together; throws SettingsError naming them. */
function checkCombinations(e: Env): void {
  const secret = e.VCC_WEBHOOK_SECRET ?? null;
  if (e.VCC_ENCRYPTION_CIPHER && !(e.VCC_ENCRYPTION_KEY ?? secret)) {
    throw new SettingsError('VCC_ENCRYPTION_CIPHER is set but neither VCC_ENCRYPTION_KEY nor VCC_WEBHOOK_SECRET is');
  }
  if (e.VCC_ENCRYPTION_KEY && !e.VCC_ENCRYPTION_CIPHER) {
    throw new SettingsError('VCC_ENCRYPTION_KEY is set but VCC_ENCRYPTION_CIPHER is not (e.g. aes-256-ctr)');
  }
  if (e.RETENTION_DAYS !== 0 && e.RETENTION_DAYS < MIN_RETENTION_DAYS) {
    throw new SettingsError(
      `RETENTION_DAYS must be 0 (keep everything) or at least ${MIN_RETENTION_DAYS}: VCC retries an event for about 23 days, and dedup needs it stored that long`,
    );
  }
  if (e.HTTP_HEADERS_TIMEOUT_SECONDS > e.HTTP_REQUEST_TIMEOUT_SECONDS) {
    throw new SettingsError(
      `HTTP_HEADERS_TIMEOUT_SECONDS (${e.HTTP_HEADERS_TIMEOUT_SECONDS}) must not be over HTTP_REQUEST_TIMEOUT_SECONDS (${e.HTTP_REQUEST_TIMEOUT_SECONDS}): the headers are part of the request`,
    );
  }
  const signIn = adminSignIn(e);
  if (typeof signIn === 'string') throw new SettingsError(signIn);
  if (e.VCC_WEBHOOK_SECRET_PREVIOUS && !secret) {
    throw new SettingsError(
      'VCC_WEBHOOK_SECRET_PREVIOUS is set but VCC_WEBHOOK_SECRET is not: set the new secret there and the old one here',
    );
  }
}

function sourcesOf(e: Env): SourceList | null {
  if (!e.VCC_ALLOWED_SOURCES) return null;
  try {
    return parseSourceList(e.VCC_ALLOWED_SOURCES);
  } catch (err) {
    throw new SettingsError(`VCC_ALLOWED_SOURCES: ${(err as Error).message}`);
  }
}

/** Every variable the service reads: its own and the platforms'. */
export const ENV_NAMES: readonly string[] = Object.keys(fullShape.schema);
