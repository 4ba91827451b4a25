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
import { FIELDS, ID, TEXT, USER_FIELDS, type User, type UserField, type ValueKind, type WireOf } from './fields.ts';

export { USER_FIELDS, type User, type UserField };

/**
 * The rule for each field VCC sends: the user's fields (fields.ts), the docs' other spelling
 * of the id (`userid`) and the password (only its presence is kept). Absent and null always
 * pass; unknown fields are ignored. This one list defines both the superstruct schema and
 * the fast pre-check below.
 */
const WIRE_RULES: Record<UserField | 'userid' | 'password', ValueKind<any, any>> = {
  ...(Object.fromEntries(USER_FIELDS.map((f) => [f, FIELDS[f].value])) as Record<UserField, ValueKind<any, any>>),
  userid: ID,
  password: TEXT,
};
type WireFields = { [K in UserField]: WireOf<K> } & { userid: WireOf<'userId'>; password: string };

const RULE_ENTRIES = Object.entries(WIRE_RULES) as Array<[keyof WireFields, ValueKind<any, any>]>;
/** The fast pre-check's view of the rules: plain [field, test] pairs (no lookups per body). */
const TESTS = RULE_ENTRIES.map(([k, { test }]) => [k, test] as const);
/** Each field but the id (read from either spelling) with its normalizer, in USER_FIELDS order. */
const NORMALIZERS = USER_FIELDS.filter((f) => f !== 'userId').map(
  (f) => [f, FIELDS[f].value.norm as (v: unknown) => unknown] as const,
);

/** One superstruct struct per field: absent, null, or passing the rule (named by what it expects). */
const wireUser = refine(
  type(
    Object.fromEntries(
      RULE_ENTRIES.map(([k, { expects, test }]) => [
        k,
        define(expects, (v) => v === undefined || v === null || test(v)),
      ]),
    ) as { [K in keyof WireFields]: Struct<WireFields[K] | null | undefined, null> },
  ),
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
  return (
    (body.old === undefined || body.old === null || userPasses(body.old)) &&
    userPasses(body.new) &&
    (t === undefined || t === null || typeof t === 'string')
  );
}

function userPasses(u: unknown): boolean {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  for (const [k, test] of TESTS) {
    const v = (u as Record<string, unknown>)[k];
    if (v !== undefined && v !== null && !test(v)) return false;
  }
  return true;
}

export type WireUser = Infer<typeof wireUser>;

const hiddenAs = (h: 'wages' | 'contacts'): ReadonlySet<UserField> =>
  new Set(USER_FIELDS.filter((f) => (FIELDS[f] as { hidden?: string }).hidden === h));
/** Fields whose values are hidden unless a route asks for them (`show: [wages]`). */
export const WAGE_FIELDS = hiddenAs('wages');
/** Personal contact details: the console channel (a log stream) leaves them out unless shown. */
export const CONTACT_FIELDS = hiddenAs('contacts');
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

export type ParseResult = { ok: true; event: VccUserEvent } | { ok: false; path: string; message: string };

/**
 * A wire user as the service keeps it: each field VCC sent, normalized by its kind (a field
 * left out stays absent, a nulled one is null). The id comes from either spelling; a null in
 * one never hides a value in the other, and `userId` wins when both hold one.
 */
function normalizeUser(u: WireUser): Partial<User> {
  const out: Record<string, unknown> = {};
  const id = u.userId ?? u.userid ?? (u.userId === null || u.userid === null ? null : undefined);
  if (id !== undefined) out.userId = id === null ? null : String(id);
  const wire = u as Record<string, unknown>;
  for (const [f, norm] of NORMALIZERS) {
    const v = wire[f];
    if (v !== undefined) out[f] = v === null ? null : norm(v);
  }
  return out as Partial<User>;
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
    failure = err ? (err.failures()[0] ?? err) : undefined;
  } catch {
    // superstruct builds its messages with `${value}`, which throws for a value whose
    // toString is not a function ({"toString":0}): name the field from our own rules instead.
    failure = ownFailure(body as Record<string, unknown>);
  }
  if (failure) {
    const f = failure;
    const path = f.path.join('.');
    const what = f.value === undefined ? 'missing' : `got ${describe(f.value)}`;
    const message =
      f.path.length === 1 && f.path[0] === 'new' && (f.value ?? null) === null
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
    for (const [k, { expects, test }] of RULE_ENTRIES) {
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
