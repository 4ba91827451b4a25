import type { EventKind } from './kinds.ts';

/**
 * One kind of value as VCC sends it: the refusal's wording for what is expected, the test a
 * non-null wire value must pass (absent and null always pass), and what it becomes.
 */
export interface ValueKind<W, O> {
  expects: string;
  test: (v: unknown) => v is W;
  norm: (w: W) => O;
}

const kind = <W, O>(expects: string, test: (v: unknown) => v is W, norm: (w: W) => O): ValueKind<W, O> => ({
  expects,
  test,
  norm,
});
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const strOrInt = (v: unknown): v is string | number => isStr(v) || isInt(v);
const same = <T>(v: T): T => v;

/** Ids: VCC sends numbers or digit strings; kept as strings. */
export const ID = kind(
  'an integer or a string of digits',
  (v): v is string | number => isInt(v) || (isStr(v) && /^\d+$/.test(v)),
  String,
);
export const TEXT = kind('a string', isStr, same<string>);
/** Codes and phone numbers: strings or numbers, kept as strings. */
const CODE = kind('a string or an integer', strOrInt, String);
const INT = kind('an integer', isInt, same<number>);
const NUM = kind('a number', (v): v is number => typeof v === 'number' && Number.isFinite(v), same<number>);
const BOOL = kind(
  'true or false (or 0/1)',
  (v): v is boolean | 0 | 1 => typeof v === 'boolean' || v === 0 || v === 1,
  (v) => Boolean(v),
);
const FLAG = kind(
  '0 or 1 (or true/false)',
  (v): v is number | boolean => isInt(v) || typeof v === 'boolean',
  (v) => Number(v),
);
const LIST = kind('an array', (v): v is unknown[] => Array.isArray(v), same<unknown[]>);

/** What a field's spec says; `changes`: the kind its change is (default `user.updated`). */
interface FieldSpec {
  value: ValueKind<any, any>;
  label: string;
  changes?: EventKind;
  /** Hidden unless a route shows it: wage values (every target), contact details (the console). */
  hidden?: 'wages' | 'contacts';
}

/**
 * Every user field VCC sends, once, in the order messages show them: how its value arrives and
 * what it becomes, its name for people, the kind of event its change is, whether it is hidden.
 * The validator, the `User` type, `USER_FIELDS`, the normalizer, the labels and the change
 * kinds all derive from this table: adding a field is one entry here (and its line in docs/configuration.md).
 */
export const FIELDS = {
  userId: { value: ID, label: 'User id' },
  name: { value: TEXT, label: 'Name' },
  username: { value: TEXT, label: 'Username' },
  email: { value: TEXT, label: 'Email', hidden: 'contacts' },
  extension: { value: CODE, label: 'Extension' },
  isAgent: { value: BOOL, label: 'Agent', changes: 'user.role_changed' },
  privGroup: { value: INT, label: 'Privilege group', changes: 'user.role_changed' },
  state: { value: TEXT, label: 'State', changes: 'user.state_changed' },
  registerTransport: { value: TEXT, label: 'SIP transport', changes: 'user.transport_changed' },
  redistribution: { value: FLAG, label: 'Redistribution' },
  sampleRate: { value: CODE, label: 'Sample rate' },
  outboundPhone: { value: CODE, label: 'Outbound phone', hidden: 'contacts' },
  contactPhone: { value: CODE, label: 'Contact phone', hidden: 'contacts' },
  mobilePhone: { value: CODE, label: 'Mobile phone', hidden: 'contacts' },
  mobileProjectId: { value: CODE, label: 'Mobile project' },
  messageLists: { value: LIST, label: 'Message lists' },
  monthly: { value: NUM, label: 'Monthly wage', hidden: 'wages' },
  hourly: { value: NUM, label: 'Hourly wage', hidden: 'wages' },
} as const satisfies Record<string, FieldSpec>;

export type UserField = keyof typeof FIELDS;
type Kinds = { [K in UserField]: (typeof FIELDS)[K]['value'] };
/** What a field arrives as (besides null or absent). */
export type WireOf<K extends UserField> = Kinds[K] extends ValueKind<infer W, any> ? W : never;

/** A user as the rest of the service sees it: no password, ids and phones as strings. */
export type User = { [K in UserField]: (Kinds[K] extends ValueKind<any, infer O> ? O : never) | null };

/** Every field of `User`, in the order messages show them. */
export const USER_FIELDS = Object.keys(FIELDS) as UserField[];
