/**
 * VCC Live's user webhook wire format, and its normalized form.
 *
 * This module (with the rest of src/vcc) is the only code that knows what VCC sends.
 * Facts (VCC Live developer docs, "User Created" / "User Changed" async webhooks):
 * body `{ old: null | User, new: User, timestamp }`; `userId` is spelled `userid` in the
 * docs' field table; samples send `null` for documented integers; `password` comes only when
 * a new password was entered and encryption is on.
 */
import { define, nullable, optional, refine, string, type, validate, type Infer, type Struct } from 'superstruct';

const isInt = (v: unknown) => Number.isInteger(v);
const isStr = (v: unknown) => typeof v === 'string';
const strOrInt = (v: unknown) => isStr(v) || isInt(v);
const idLike = (v: unknown) => isInt(v) || (isStr(v) && /^\d+$/.test(v as string));
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/**
 * The rule for each field VCC documents: what it expects (in words, for refusals) and the
 * test a non-null value must pass. Absent and null always pass. Unknown fields are ignored.
 * This one table defines both the superstruct schema and the fast pre-check below.
 */
const FIELD_RULES = {
  userId: ['an integer or a string of digits', idLike],
  userid: ['an integer or a string of digits', idLike],
  extension: ['a string or an integer', strOrInt],
  name: ['a string', isStr],
  email: ['a string', isStr],
  username: ['a string', isStr],
  isAgent: ['true or false (or 0/1)', (v: unknown) => typeof v === 'boolean' || v === 0 || v === 1],
  privGroup: ['an integer', isInt],
  redistribution: ['0 or 1 (or true/false)', (v: unknown) => isInt(v) || typeof v === 'boolean'],
  monthly: ['a number', isNum],
  hourly: ['a number', isNum],
  state: ['a string', isStr],
  registerTransport: ['a string', isStr],
  sampleRate: ['a string or an integer', strOrInt],
  outboundPhone: ['a string or an integer', strOrInt],
  contactPhone: ['a string or an integer', strOrInt],
  messageLists: ['an array', Array.isArray],
  mobileProjectId: ['a string or an integer', strOrInt],
  mobilePhone: ['a string or an integer', strOrInt],
  password: ['a string', isStr],
} as const satisfies Record<string, readonly [string, (v: unknown) => boolean]>;

type Rules = typeof FIELD_RULES;
type WireValue<K extends keyof Rules> = K extends 'isAgent' ? boolean | 0 | 1
  : K extends 'redistribution' ? number | boolean
  : K extends 'privGroup' | 'monthly' | 'hourly' ? number
  : K extends 'messageLists' ? unknown[]
  : K extends 'name' | 'email' | 'username' | 'state' | 'registerTransport' | 'password' ? string
  : string | number;

const RULE_ENTRIES = Object.entries(FIELD_RULES) as Array<[keyof Rules, readonly [string, (v: unknown) => boolean]]>;

/** One superstruct struct per field: absent, null, or passing the rule (named by what it expects). */
const wireUser = refine(
  type(Object.fromEntries(RULE_ENTRIES.map(([k, [expects, test]]) =>
    [k, define(expects, (v) => v === undefined || v === null || test(v))])) as { [K in keyof Rules]: Struct<WireValue<K> | null | undefined, null> }),
  'an object',
  (v) => !Array.isArray(v),
);

const wireBody = type({
  old: optional(nullable(wireUser)),
  new: wireUser,
  timestamp: optional(nullable(string())),
});

/** The body schema, for tests that hold the fast pre-check to it. */
export const vccBodyStruct = wireBody;

/**
 * The same rules as `wireBody`, checked without superstruct's machinery: a body that passes
 * here is exactly one superstruct accepts, so the common case skips the slow path; any body
 * that fails is validated by superstruct, which names the failing path.
 */
function quickAccepts(body: Record<string, unknown>): boolean {
  const t = body.timestamp;
  return (body.old === undefined || body.old === null || userPasses(body.old)) && userPasses(body.new)
    && (t === undefined || t === null || typeof t === 'string');
}

function userPasses(u: unknown): boolean {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  for (const [k, [, test]] of RULE_ENTRIES) {
    const v = (u as Record<string, unknown>)[k];
    if (v !== undefined && v !== null && !test(v)) return false;
  }
  return true;
}

export type WireUser = Infer<typeof wireUser>;

/** A user as the rest of the service sees it: no password, ids and phones as strings. */
export interface User {
  userId: string | null;
  extension: string | null;
  name: string | null;
  email: string | null;
  username: string | null;
  isAgent: boolean | null;
  privGroup: number | null;
  redistribution: number | null;
  monthly: number | null;
  hourly: number | null;
  state: string | null;
  registerTransport: string | null;
  sampleRate: string | null;
  outboundPhone: string | null;
  contactPhone: string | null;
  messageLists: unknown[] | null;
  mobileProjectId: string | null;
  mobilePhone: string | null;
}

export type UserField = keyof User;

/** Every field of `User`, in the order messages show them. */
export const USER_FIELDS: readonly UserField[] = [
  'userId', 'name', 'username', 'email', 'extension', 'isAgent', 'privGroup', 'state',
  'registerTransport', 'redistribution', 'sampleRate', 'outboundPhone', 'contactPhone',
  'mobilePhone', 'mobileProjectId', 'messageLists', 'monthly', 'hourly',
];

/** Fields whose values are hidden unless a route asks for them (`show: [wages]`). */
export const WAGE_FIELDS: ReadonlySet<UserField> = new Set<UserField>(['monthly', 'hourly']);
/** Personal contact details: the console channel (a log stream) leaves them out unless shown. */
export const CONTACT_FIELDS: ReadonlySet<UserField> = new Set<UserField>(['email', 'outboundPhone', 'contactPhone', 'mobilePhone']);
/** What a route's `show` may add: wage values (every target), contact details (console). */
export const SHOW_OPTIONS = ['wages', 'contacts'] as const;

/**
 * What one webhook body says, normalized. `old`/`new` carry only the fields VCC sent
 * (a field VCC left out is absent, a field it nulled is null), never the password.
 */
export interface VccUserEvent {
  old: Partial<User> | null;
  new: Partial<User>;
  /** VCC's own timestamp, as sent (ISO-8601), or null when it sent none. */
  timestamp: string | null;
  /** True when `new.password` was a non-empty string: the fact, never the value. */
  passwordSet: boolean;
}

export type ParseResult =
  | { ok: true; event: VccUserEvent }
  | { ok: false; path: string; message: string };

const str = (v: string | number | null | undefined): string | null | undefined =>
  v === null || v === undefined ? v : String(v);

/** Sets `out[k]` unless `v` is undefined (a field VCC did not send stays absent). */
function put<K extends UserField>(out: Partial<User>, k: K, v: User[K] | undefined): void {
  if (v !== undefined) out[k] = v;
}

function normalizeUser(u: WireUser): Partial<User> {
  const out: Partial<User> = {};
  // Either spelling; a null in one never hides a value in the other; userId wins when both hold one.
  put(out, 'userId', str(u.userId ?? u.userid ?? (u.userId === null || u.userid === null ? null : undefined)));
  put(out, 'extension', str(u.extension));
  put(out, 'name', u.name);
  put(out, 'email', u.email);
  put(out, 'username', u.username);
  put(out, 'isAgent', u.isAgent === null || u.isAgent === undefined ? u.isAgent : Boolean(u.isAgent));
  put(out, 'privGroup', u.privGroup);
  put(out, 'redistribution',
    typeof u.redistribution === 'boolean' ? Number(u.redistribution) : u.redistribution);
  put(out, 'monthly', u.monthly);
  put(out, 'hourly', u.hourly);
  put(out, 'state', u.state);
  put(out, 'registerTransport', u.registerTransport);
  put(out, 'sampleRate', str(u.sampleRate));
  put(out, 'outboundPhone', str(u.outboundPhone));
  put(out, 'contactPhone', str(u.contactPhone));
  put(out, 'messageLists', u.messageLists);
  put(out, 'mobileProjectId', str(u.mobileProjectId));
  put(out, 'mobilePhone', str(u.mobilePhone));
  return out;
}

/**
 * Validates a parsed JSON body. Refuses only what cannot be read: a non-object body, a
 * missing/null `new`, an `old` that is neither null nor an object, a wrong non-null type.
 * On refusal, `path` names the first failing field (`new.state`) and `message` says why.
 * The password is dropped here and never returned.
 */
export function parseVccBody(body: unknown): ParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, path: '', message: 'body must be a JSON object with "old" and "new"' };
  }
  if (quickAccepts(body as Record<string, unknown>)) return accepted(body as Infer<typeof wireBody>);
  let failure: { path: Array<string | number>; value: unknown; type: string } | undefined;
  try {
    const [err] = validate(body, wireBody);
    failure = err ? err.failures()[0] ?? err : undefined;
  } catch {
    // superstruct builds its messages with `${value}`, which throws for a value whose
    // toString is not a function ({"toString":0}): name the field from our own rules instead.
    failure = ownFailure(body as Record<string, unknown>);
  }
  if (failure) {
    const f = failure;
    const path = f.path.join('.');
    const what = f.value === undefined ? 'missing' : `got ${describe(f.value)}`;
    const message = f.path.length === 1 && f.path[0] === 'new' && (f.value ?? null) === null
      ? '"new" is required and must be an object'
      : `${path || 'body'}: expected ${expected(f.type)}, ${what}`;
    return { ok: false, path, message };
  }
  return accepted(body as Infer<typeof wireBody>);
}

function accepted(value: Infer<typeof wireBody>): ParseResult {
  const password = value.new.password;
  return {
    ok: true,
    event: {
      old: value.old ? normalizeUser(value.old) : null,
      new: normalizeUser(value.new),
      timestamp: value.timestamp ?? null,
      passwordSet: typeof password === 'string' && password.length > 0,
    },
  };
}

/** The first failing field by FIELD_RULES (what quickAccepts checks), for when superstruct cannot say. */
function ownFailure(body: Record<string, unknown>): { path: Array<string | number>; value: unknown; type: string } {
  const t = body.timestamp;
  if (t !== undefined && t !== null && typeof t !== 'string') return { path: ['timestamp'], value: t, type: 'string' };
  for (const side of ['new', 'old'] as const) {
    const u = body[side];
    if (side === 'old' && (u === undefined || u === null)) continue;
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return { path: [side], value: u, type: 'an object' };
    for (const [k, [expects, test]] of RULE_ENTRIES) {
      const v = (u as Record<string, unknown>)[k];
      if (v !== undefined && v !== null && !test(v)) return { path: [side, k], value: v, type: expects };
    }
  }
  return { path: [], value: body, type: 'an object' };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string`;
  return `${typeof v} ${typeof v === 'object' ? '' : JSON.stringify(v)}`.trim();
}

/** The struct's name for what it expects, in words (field structs are named in words already). */
function expected(t: string): string {
  return t === 'type' || t === 'object' ? 'an object' : t;
}
