/**
 * VCC Live's user webhook wire format, and its normalized form.
 *
 * This module (with the rest of src/vcc) is the only code that knows what VCC sends.
 * Facts (VCC Live developer docs, "User Created" / "User Changed" async webhooks):
 * body `{ old: null | User, new: User, timestamp }`; `userId` is spelled `userid` in the
 * docs' field table; samples send `null` for documented integers; `password` comes only when
 * a new password was entered and encryption is on.
 */
import { define, nullable, optional, string, type, validate, type Infer } from 'superstruct';

/**
 * One field as VCC may send it: absent, null, or a value passing `test`. A single flat
 * struct per field (instead of optional(nullable(union(...)))) keeps validation cheap on the
 * request path; `name` is what the refusal message says the field expects.
 */
const field = <T>(name: string, test: (v: unknown) => boolean) =>
  define<T | null | undefined>(name, (v) => v === undefined || v === null || test(v));

const isInt = (v: unknown) => Number.isInteger(v);
const isStr = (v: unknown) => typeof v === 'string';
const strOrInt = (v: unknown) => isStr(v) || isInt(v);
const idLike = (v: unknown) => isInt(v) || (isStr(v) && /^\d+$/.test(v as string));

const idField = field<number | string>('an integer or a string of digits', idLike);
const textField = field<string>('a string', isStr);
const strOrIntField = field<string | number>('a string or an integer', strOrInt);

/** Fields VCC documents. Unknown extra fields pass validation and are dropped. */
const wireUser = type({
  userId: idField,
  userid: idField,
  extension: strOrIntField,
  name: textField,
  email: textField,
  username: textField,
  isAgent: field<boolean | 0 | 1>('true or false (or 0/1)', (v) => typeof v === 'boolean' || v === 0 || v === 1),
  privGroup: field<number>('an integer', isInt),
  redistribution: field<number | boolean>('0 or 1 (or true/false)', (v) => isInt(v) || typeof v === 'boolean'),
  monthly: field<number>('a number', (v) => typeof v === 'number' && Number.isFinite(v)),
  hourly: field<number>('a number', (v) => typeof v === 'number' && Number.isFinite(v)),
  state: textField,
  registerTransport: textField,
  sampleRate: strOrIntField,
  outboundPhone: strOrIntField,
  contactPhone: strOrIntField,
  messageLists: field<unknown[]>('an array', Array.isArray),
  mobileProjectId: strOrIntField,
  mobilePhone: strOrIntField,
  password: textField,
});

const wireBody = type({
  old: optional(nullable(wireUser)),
  new: wireUser,
  timestamp: optional(nullable(string())),
});

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

function normalizeUser(u: WireUser): Partial<User> {
  const out: Partial<User> = {};
  const set = <K extends UserField>(k: K, v: User[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('userId', str(u.userId !== undefined ? u.userId : u.userid));
  set('extension', str(u.extension));
  set('name', u.name);
  set('email', u.email);
  set('username', u.username);
  set('isAgent', u.isAgent === null || u.isAgent === undefined ? u.isAgent : Boolean(u.isAgent));
  set('privGroup', u.privGroup);
  set('redistribution',
    typeof u.redistribution === 'boolean' ? Number(u.redistribution) : u.redistribution);
  set('monthly', u.monthly);
  set('hourly', u.hourly);
  set('state', u.state);
  set('registerTransport', u.registerTransport);
  set('sampleRate', str(u.sampleRate));
  set('outboundPhone', str(u.outboundPhone));
  set('contactPhone', str(u.contactPhone));
  set('messageLists', u.messageLists);
  set('mobileProjectId', str(u.mobileProjectId));
  set('mobilePhone', str(u.mobilePhone));
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
  const [err, value] = validate(body, wireBody);
  if (err) {
    const f = err.failures()[0] ?? err;
    const path = f.path.join('.');
    const what = f.value === undefined ? 'missing' : `got ${describe(f.value)}`;
    const message = f.path.length === 1 && f.path[0] === 'new' && (f.value ?? null) === null
      ? '"new" is required and must be an object'
      : `${path || 'body'}: expected ${expected(f.type)}, ${what}`;
    return { ok: false, path, message };
  }
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

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string`;
  return `${typeof v} ${typeof v === 'object' ? '' : JSON.stringify(v)}`.trim();
}

/** The struct's name for what it expects, in words (field structs are named in words already). */
function expected(t: string): string {
  if (t === 'type' || t === 'object') return 'an object';
  return t;
}
