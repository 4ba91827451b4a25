import test from 'ava';
import { redactBody, REFUSED_BODY_MAX } from '../src/vcc/redact.ts';

const cases: Array<[string, string, (out: string) => boolean]> = [
  [
    'json string value',
    '{"new":{"password":"Hunter2","state":5}}',
    (o) => !o.includes('Hunter2') && o.includes('"state":5'),
  ],
  ['spaced and escaped', '{"password" :  "a\\"b Hunter2"}', (o) => !o.includes('Hunter2')],
  ['number value', '{"password": 123456, "x": 1}', (o) => !o.includes('123456') && o.includes('"x":1')],
  [
    'key spelled with a JSON escape',
    '{"new":{"pass\\u0077ord":"Hunter2"}}',
    (o) => !o.includes('Hunter2') && o.includes('[removed]'),
  ],
  [
    'array value',
    '{"new":{"password":["x","Hunter2"]}}',
    (o) => !o.includes('Hunter2') && o.includes('"password":"[removed]"'),
  ],
  ['object value', '{"password":{"v":"Hunter2"}}', (o) => !o.includes('Hunter2')],
  ['deep inside arrays', '[[{"Password":"Hunter2"}]]', (o) => !o.includes('Hunter2')],
  ['prototype-named key', '{"__proto__":{"password":"Hunter2"}}', (o) => !o.includes('Hunter2')],
  ['not JSON with an escape', '{"pass\\u0077ord":"Hunter2"', (o) => !o.includes('Hunter2')],
  ['not JSON without password kept', 'hello <b>', (o) => o === 'hello <b>'],
  ['torn string (invalid JSON)', '{"new":{"password":"Hunter2', (o) => !o.includes('Hunter2')],
  ['upper case key', '{"PASSWORD":"Hunter2"}', (o) => !o.includes('Hunter2')],
  ['no password untouched', '{"a":"b"}', (o) => o === '{"a":"b"}'],
  ['long body truncated', 'x'.repeat(REFUSED_BODY_MAX * 2), (o) => o.length < REFUSED_BODY_MAX + 20],
];

for (const [name, input, ok] of cases) {
  test(`redact: ${name}`, (t) => {
    const out = redactBody(input);
    t.true(ok(out), out);
  });
}
