import test from 'ava';
import { parseAccess, roleOf, type Person } from '../src/config/adminAccess.ts';

const lists = {
  viewers: parseAccess('@example.com, auditors'),
  operators: parseAccess('Ann@Example.com,it-ops'),
};
const person = (over: Partial<Person>): Person => ({ email: null, emailVerified: true, groups: [], ...over });

const cases: Array<{ name: string; p: Person; expect: ReturnType<typeof roleOf> }> = [
  {
    name: 'an operator by address, in any case',
    p: person({ email: 'ann@example.COM' }),
    expect: { role: 'operator' },
  },
  { name: 'an operator by group', p: person({ groups: ['it-ops'] }), expect: { role: 'operator' } },
  { name: 'a viewer by domain', p: person({ email: 'bob@example.com' }), expect: { role: 'viewer' } },
  { name: 'a viewer by group', p: person({ groups: ['auditors'] }), expect: { role: 'viewer' } },
  {
    name: 'operator wins over viewer',
    p: person({ email: 'bob@example.com', groups: ['it-ops'] }),
    expect: { role: 'operator' },
  },
  { name: 'nobody else', p: person({ email: 'eve@evil.example' }), expect: { refused: 'not listed' } },
  {
    name: 'a sub-domain is not the domain',
    p: person({ email: 'eve@x.example.com' }),
    expect: { refused: 'not listed' },
  },
  {
    name: 'a domain in the local part is not the domain',
    p: person({ email: 'example.com@evil.example' }),
    expect: { refused: 'not listed' },
  },
  {
    name: 'an unverified address never matches',
    p: person({ email: 'ann@example.com', emailVerified: false }),
    expect: { refused: 'unverified e-mail' },
  },
  {
    name: 'an unverified address still lets a group in',
    p: person({ email: 'ann@example.com', emailVerified: false, groups: ['auditors'] }),
    expect: { role: 'viewer' },
  },
  { name: 'no e-mail, no groups', p: person({}), expect: { refused: 'not listed' } },
  { name: 'group names are exact', p: person({ groups: ['IT-OPS'] }), expect: { refused: 'not listed' } },
];

for (const c of cases) test(`access: ${c.name}`, (t) => t.deepEqual(roleOf(c.p, lists), c.expect));

test('access: empty lists let nobody in (fail closed)', (t) => {
  const none = { viewers: parseAccess(undefined), operators: parseAccess(' , ') };
  t.deepEqual(roleOf(person({ email: 'ann@example.com', groups: ['it-ops'] }), none), { refused: 'not listed' });
});
