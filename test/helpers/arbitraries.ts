// fast-check generators of hostile input, shared by the property tests and the bench's longer run.
import fc from 'fast-check';
import { EVENT_KINDS } from '../../src/vcc/changes.ts';
import { USER_FIELDS } from '../../src/vcc/user.ts';
import { SHORT_KINDS } from '../../src/vcc/changes.ts';
import { vccFixture } from './fixtures.ts';

/** Keys that poison careless object handling. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Numbers JSON can carry that code often mishandles. */
const oddNumber = fc.oneof(
  fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 0.1 + 0.2, 4.0000000001),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const oddString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u202Eevil',
    'a\nb',
    '\u0000',
    '{{ user.email }}',
    '<!channel>',
    '{% raw %}',
    'null',
    'true',
    '4',
  ),
);
/** Any value a field could be given instead of the right one. */
const confusedValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  oddNumber,
  oddString,
  fc.array(fc.oneof(oddString, oddNumber), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('a', 'userId', ...PROTOTYPE_KEYS), fc.oneof(oddString, oddNumber), { maxKeys: 3 }),
);

/** One user object: VCC's sample with fields kept, dropped, or replaced by a confused value, plus extras. */
const user = (base: Record<string, unknown>) =>
  fc
    .record({
      changes: fc.array(
        fc.tuple(
          fc.constantFrom(...USER_FIELDS, 'userid', 'password'),
          fc.oneof(fc.constant('drop' as const), confusedValue),
        ),
        { maxLength: 6 },
      ),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), confusedValue, { maxKeys: 2 }),
    })
    .map(({ changes, extra }) => {
      const u: Record<string, unknown> = { ...base, ...extra };
      for (const [k, v] of changes) {
        if (v === 'drop') delete u[k];
        else u[k] = v;
      }
      return u;
    });

/**
 * A webhook body as raw JSON text: VCC's samples confused field by field (old/new/timestamp
 * included), with prototype-named keys spliced in at the top level and inside the users.
 */
export function hostileBody(): fc.Arbitrary<string> {
  const created = vccFixture('user-created');
  const changed = vccFixture('user-changed');
  return fc
    .record({
      sample: fc.constantFrom(created, changed),
      newUser: fc.oneof({ arbitrary: user(created.new), weight: 9 }, { arbitrary: confusedValue, weight: 1 }),
      old: fc.oneof(fc.constant(undefined), fc.constant(null), user(changed.old ?? created.new), confusedValue),
      timestamp: fc.oneof(
        fc.constant(undefined),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        confusedValue,
      ),
      poison: fc.array(
        fc.tuple(
          fc.constantFrom('top', 'new', 'old'),
          fc.constantFrom(...PROTOTYPE_KEYS),
          fc.constantFrom('{"isAgent":true}', '"x"', '1', 'null', '[]'),
        ),
        { maxLength: 3 },
      ),
    })
    .map(({ sample, newUser, old, timestamp, poison }) => {
      const body: Record<string, unknown> = { ...sample, new: newUser };
      if (old === undefined) delete body.old;
      else body.old = old;
      if (timestamp === undefined) delete body.timestamp;
      else body.timestamp = timestamp;
      let text = JSON.stringify(body);
      for (const [where, key, value] of poison) {
        const splice = `"${key}":${value},`;
        if (where === 'top') text = `{${splice}${text.slice(1)}`;
        else text = text.replace(`"${where}":{`, `"${where}":{${splice}`);
      }
      return text;
    });
}

const kindWord = fc.oneof(
  fc.constantFrom(...Object.keys(SHORT_KINDS), ...EVENT_KINDS, 'CREATED', 'deleted'),
  fc.string({ maxLength: 6 }),
);
const term = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...USER_FIELDS),
      fc.constantFrom('colour', '__proto__', 'constructor'),
      fc.string({ maxLength: 6 }),
    ),
    fc.constantFrom('=', '!=', '~', '=='),
    fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('(a+)+$', '(a)\\1', '(?=x)', '[', '4,5', ',,', 'true', '@example\\.com$'),
    ),
  )
  .map(([f, op, v]) => `${f}${op}${v}`);

/** The text of a chat command: real verbs, kinds and where terms mixed with junk and unicode. */
export function hostileCommand(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof(
        fc.constantFrom('subscribe', 'unsubscribe', 'list', 'help', 'test', 'SUBSCRIBE', ''),
        fc.string({ maxLength: 8 }),
      ),
      fc.array(kindWord, { maxLength: 3 }),
      fc.option(fc.array(term, { maxLength: 4 })),
      fc.constantFrom(' ', '  ', '\t', '\u00a0', '\n'),
    )
    .map(([verb, kinds, terms, gap]) => [verb, ...kinds, ...(terms ? ['where', ...terms] : [])].join(gap));
}
