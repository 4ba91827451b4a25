import test from 'ava';
import { classifyChanges, type Change } from '../src/vcc/changes.ts';
import { validate } from 'superstruct';
import { parseVccBody, USER_FIELDS, vccBodyStruct } from '../src/vcc/user.ts';
import { FIELDS } from '../src/vcc/fields.ts';
import { vccFixture } from './helpers/fixtures.ts';

const user = {
  userId: 180,
  extension: '189',
  name: 'Rachel Smith',
  email: 'rachel.smith@example.com',
  username: 'rachel_smith',
  isAgent: true,
  privGroup: 4,
  redistribution: 0,
  monthly: 0,
  hourly: 0,
  state: 'active',
  registerTransport: 'sip-tcp',
  sampleRate: 'global',
  outboundPhone: '3617777777',
  contactPhone: '',
  messageLists: [],
  mobileProjectId: null,
  mobilePhone: null,
};

function classify(old: object | null, next: object): Change[] {
  const r = parseVccBody({ old, new: next, timestamp: '2026-01-01T00:00:00Z' });
  if (!r.ok) throw new Error(r.message);
  return classifyChanges(r.event);
}

const c = (
  kind: Change['kind'],
  field: Change['field'],
  before: unknown,
  after: unknown,
  sensitive = false,
): Change => ({ kind, field, before, after, sensitive });

const cases: Array<[string, object | null, object, Change[]]> = [
  ['created', null, user, [c('user.created', null, null, null)]],
  [
    'created with a password is still just created',
    null,
    { ...user, password: 'x' },
    [c('user.created', null, null, null)],
  ],
  ['deactivated', user, { ...user, state: 'inactive' }, [c('user.state_changed', 'state', 'active', 'inactive')]],
  [
    'unknown state value',
    user,
    { ...user, state: 'suspended' },
    [c('user.state_changed', 'state', 'active', 'suspended')],
  ],
  [
    'transport',
    user,
    { ...user, registerTransport: 'encrypted-dip' },
    [c('user.transport_changed', 'registerTransport', 'sip-tcp', 'encrypted-dip')],
  ],
  [
    'agent to supervisor',
    user,
    { ...user, isAgent: false, privGroup: 2 },
    [c('user.role_changed', 'isAgent', true, false), c('user.role_changed', 'privGroup', 4, 2)],
  ],
  ['password set', user, { ...user, password: 'n3w' }, [c('user.password_changed', null, null, null, true)]],
  ['empty password is no change', user, { ...user, password: '' }, []],
  ['wages are sensitive', user, { ...user, hourly: 12.5 }, [c('user.updated', 'hourly', 0, 12.5, true)]],
  [
    'other field',
    user,
    { ...user, email: 'r@example.org' },
    [c('user.updated', 'email', 'rachel.smith@example.com', 'r@example.org')],
  ],
  [
    'message lists (arrays compared by value)',
    user,
    { ...user, messageLists: [1] },
    [c('user.updated', 'messageLists', [], [1])],
  ],
  ['same arrays are no change', { ...user, messageLists: [1, 2] }, { ...user, messageLists: [1, 2] }, []],
  ['nothing changed', user, user, []],
  [
    'a field missing on one side is unknown, not changed',
    { ...user, email: undefined },
    { ...user, email: 'x@example.com' },
    [],
  ],
  [
    'null to value',
    { ...user, mobilePhone: null },
    { ...user, mobilePhone: '36301234567' },
    [c('user.updated', 'mobilePhone', null, '36301234567')],
  ],
  ['userid spelling on one side', { ...user, userId: undefined, userid: 180 }, user, []],
  [
    'several kinds at once',
    user,
    { ...user, state: 'inactive', registerTransport: 'sip-udp', name: 'Rachel S.' },
    [
      c('user.updated', 'name', 'Rachel Smith', 'Rachel S.'),
      c('user.state_changed', 'state', 'active', 'inactive'),
      c('user.transport_changed', 'registerTransport', 'sip-tcp', 'sip-udp'),
    ],
  ],
];

for (const [name, old, next, expected] of cases) {
  test(`classify: ${name}`, (t) => {
    t.deepEqual(classify(old, next), expected);
  });
}

test('VCC samples classify as documented', (t) => {
  const created = parseVccBody(vccFixture('user-created'));
  const changed = parseVccBody(vccFixture('user-changed'));
  t.true(created.ok && changed.ok);
  if (!created.ok || !changed.ok) return;
  t.deepEqual(
    classifyChanges(created.event).map((x) => x.kind),
    ['user.created'],
  );
  t.deepEqual(classifyChanges(changed.event), [c('user.updated', 'redistribution', 0, 1)]);
  t.is(created.event.new.userId, '180');
  t.is(created.event.timestamp, '2017-06-06T10:53:43+02:00');
});

const shapes: Array<[string, unknown]> = [
  ['sample created', vccFixture('user-created')],
  ['sample changed', vccFixture('user-changed')],
  ['nulls everywhere', { old: null, new: Object.fromEntries(Object.keys(user).map((k) => [k, null])) }],
  ['userid digits string', { old: null, new: { userid: '42' } }],
  ['userId not digits', { old: null, new: { userId: '4x' } }],
  ['isAgent 2', { old: null, new: { isAgent: 2 } }],
  ['isAgent 1', { old: null, new: { isAgent: 1 } }],
  ['monthly NaN-ish string', { old: null, new: { monthly: '10' } }],
  ['new is an array', { old: null, new: [] }],
  ['old is an array', { old: [], new: {} }],
  ['timestamp number', { old: null, new: {}, timestamp: 5 }],
  ['messageLists object', { old: null, new: { messageLists: {} } }],
  ['unknown fields', { old: null, new: { foo: { bar: 1 } }, extra: 1 }],
  ['password number', { old: null, new: { password: 1234 } }],
];

for (const [name, body] of shapes) {
  test(`the fast pre-check agrees with the superstruct schema: ${name}`, (t) => {
    const [err] = validate(body, vccBodyStruct);
    t.is(parseVccBody(body).ok, err === undefined);
  });
}

const spellings: Array<[string, Record<string, unknown>, string | null | undefined]> = [
  ['userId only', { userId: 7 }, '7'],
  ['userid only', { userid: 8 }, '8'],
  ['userId null, userid a value', { userId: null, userid: 9 }, '9'],
  ['userid null, userId a value', { userId: 10, userid: null }, '10'],
  ['both values: userId wins', { userId: 11, userid: 12 }, '11'],
  ['both null', { userId: null, userid: null }, null],
  ['userId null alone', { userId: null }, null],
  ['neither', {}, undefined],
];
for (const [name, fields, want] of spellings) {
  test(`the user id's two spellings: ${name}`, (t) => {
    const parsed = parseVccBody({ old: null, new: fields, timestamp: '2026-01-01T00:00:00Z' });
    if (!parsed.ok) return t.fail(parsed.message);
    t.is(parsed.event.new.userId, want);
  });
}

// One table (src/vcc/fields.ts) drives the validator, the normalizer and the field list: each
// entry is accepted, kept and refused by its own rule, with nothing to keep in step by hand.
for (const field of USER_FIELDS) {
  test(`field table: ${field} is validated, normalized and refused by its one entry`, (t) => {
    const { value } = FIELDS[field];
    const sample = value === FIELDS.messageLists.value ? ['x'] : value.test(7) ? 7 : value.test(true) ? true : 'text';
    const ok = parseVccBody({ old: null, new: { [field]: sample }, timestamp: 't' });
    if (!ok.ok) return t.fail(ok.message);
    t.deepEqual(ok.event.new[field], value.norm(sample as never));
    const bad = parseVccBody({ old: null, new: { [field]: { not: 'valid' } }, timestamp: 't' });
    t.false(bad.ok);
    if (!bad.ok)
      t.is(
        bad.message,
        `new.${field}: expected ${value.expects}, got object {"not":"valid"}`.replace(' {"not":"valid"}', ''),
      );
  });
}
