// Issue 12: generated hostile input. The oracle is the documented status table, the event
// stored for every 200, and a chat parse that either fails with a clear message or yields only
// known kinds and fields. A fixed seed here; `npm run bench` runs longer with a random seed.
import test from 'ava';
import fc from 'fast-check';
import { cleanup, startTestService } from './helpers/service.ts';
import { hostileBody, hostileCommand } from './helpers/arbitraries.ts';
import { checkCommand, checkWebhookAnswer } from './helpers/oracles.ts';
import { parseCommand } from '../src/chat/grammar.ts';

const SEED = 20261129;

test('generated webhook bodies: only documented answers, never a 5xx; every 200 is stored, every 400 recorded', async (t) => {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: 'prop-secret', LOG_LEVEL: 'warn' }, { worker: false });
  try {
    await fc.assert(fc.asyncProperty(hostileBody(), async (raw) => {
      const answer = await svc.send(null, { query: { 'secret-key': 'prop-secret' }, raw });
      await checkWebhookAnswer(svc.store, answer);
    }), { seed: SEED, numRuns: 150 });
    t.is(({} as Record<string, unknown>).isAgent, undefined, 'Object.prototype was polluted');
    t.pass();
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('generated chat commands: a clear error or only known kinds, fields and compilable terms', (t) => {
  fc.assert(fc.property(hostileCommand(), (text) => checkCommand(text, parseCommand(text))), { seed: SEED, numRuns: 2000 });
  t.pass();
});
