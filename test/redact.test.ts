import test from 'ava';
import { redactBody, REFUSED_BODY_MAX } from '../src/vcc/redact.ts';

const cases: Array<[string, string, (out: string) => boolean]> = [
  ['json string value', '{"new":{"password":"Hunter2","state":5}}', (o) => !o.includes('Hunter2') && o.includes('"state":5')],
  ['spaced and escaped', '{"password" :  "a\\"b Hunter2"}', (o) => !o.includes('Hunter2')],
  ['number value', '{"password": 123456, "x": 1}', (o) => !o.includes('123456') && o.includes('"x": 1')],
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
