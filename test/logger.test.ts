import test from 'ava';
import { createLogger } from '../src/logger.ts';
import { memoryLog } from './helpers/service.ts';

/** What one log call writes, parsed. */
function logged(obj: Record<string, unknown>): Record<string, any> {
  const lines: string[] = [];
  const log = createLogger('info', memoryLog(lines));
  log.info(obj, 'a line');
  return JSON.parse(lines[0]!);
}

const cases: Array<[string, Record<string, unknown>, (line: Record<string, any>) => boolean]> = [
  ['a top-level url', { url: 'https://hooks.slack.com/services/T/B/X' }, (l) => l.url === '[redacted]'],
  ['a top-level password', { password: 'hunter2' }, (l) => l.password === '[redacted]'],
  [
    'a token inside err',
    { err: { message: 'boom', token: 'xoxb-1' } },
    (l) => l.err.token === '[redacted]' && l.err.message === 'boom',
  ],
  ['a url inside err', { err: { url: 'https://x.example/?secret-key=s' } }, (l) => l.err.url === '[redacted]'],
  [
    'authorization and secret',
    { authorization: 'Bearer t', secret: 's' },
    (l) => l.authorization === '[redacted]' && l.secret === '[redacted]',
  ],
  [
    'ordinary fields kept',
    { event: 7, channel: 'ops', kinds: ['user.created'] },
    (l) => l.event === 7 && l.channel === 'ops' && l.kinds[0] === 'user.created',
  ],
];

for (const [name, obj, holds] of cases) {
  test(`logger censors secrets: ${name}`, (t) => {
    const line = logged(obj);
    t.true(holds(line), JSON.stringify(line));
    for (const secret of ['hooks.slack.com', 'hunter2', 'xoxb-1', 'secret-key=s', 'Bearer t'])
      t.false(JSON.stringify(line).includes(secret));
  });
}
