// Issue 12: generated hostile input. The oracle is the documented status table, the event
// stored for every 200, and a chat parse that either fails with a clear message or yields only
// known kinds and fields. A fixed seed here; `npm run bench` runs longer with a random seed.
import test from 'ava';
import fc from 'fast-check';
import { bodilessRequest, cleanup, startTestService } from './helpers/service.ts';
import { hostileBody, hostileCommand } from './helpers/arbitraries.ts';
import { checkCommand, checkWebhookAnswer } from './helpers/oracles.ts';
import { parseCommand } from '../src/chat/grammar.ts';

const SEED = 20261129;

test('generated webhook bodies: only documented answers, never a 5xx; every 200 is stored, every 400 recorded', async (t) => {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: 'prop-secret', LOG_LEVEL: 'warn' }, { worker: false });
  try {
    await fc.assert(
      fc.asyncProperty(hostileBody(), async (raw) => {
        const answer = await svc.send(null, { query: { 'secret-key': 'prop-secret' }, raw });
        await checkWebhookAnswer(svc.store, answer);
        // The same body chunked (no Content-Length) gets the same answer: a repeat of a 200 is its duplicate.
        const chunked = await svc.send(null, { query: { 'secret-key': 'prop-secret' }, raw, framing: 'chunked' });
        await checkWebhookAnswer(svc.store, chunked);
        const same =
          answer.status === 200
            ? chunked.json?.status === 'duplicate' && chunked.json.event === answer.json.event
            : chunked.status === answer.status && chunked.json?.error?.code === answer.json?.error?.code;
        if (!same)
          throw new Error(
            `framed differently, answered differently: ${JSON.stringify(answer)} vs ${JSON.stringify(chunked)}`,
          );
      }),
      { seed: SEED, numRuns: 150 },
    );
    t.is(({} as Record<string, unknown>).isAgent, undefined, 'Object.prototype was polluted');
    t.pass();
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('no body at all, as curl -X POST sends, is invalid_json like an empty one, for every accepted type', async (t) => {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: 'prop-secret', LOG_LEVEL: 'warn' }, { worker: false });
  try {
    for (const type of ['application/json', 'application/vnd.vcc+json; charset=utf-8', null]) {
      const header = type ? `\r\nContent-Type: ${type}` : '';
      const none = await bodilessRequest(svc.port, `POST /webhooks/vcc/users?secret-key=prop-secret HTTP/1.1${header}`);
      // Bytes, not a string: fetch would label a string text/plain when no type is given.
      const empty = await svc.send(null, {
        query: { 'secret-key': 'prop-secret' },
        raw: new Uint8Array(),
        contentType: type,
      });
      t.is(none.status, 400, String(type));
      t.is(none.json.error.code, 'invalid_json', String(type));
      t.deepEqual(none, empty, String(type));
      const chunked = await svc.send(null, {
        query: { 'secret-key': 'prop-secret' },
        raw: new Uint8Array(),
        contentType: type,
        framing: 'chunked',
      });
      t.deepEqual(chunked, empty, String(type));
    }
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('generated chat commands: a clear error or only known kinds, fields and compilable terms', (t) => {
  fc.assert(
    fc.property(hostileCommand(), (text) => checkCommand(text, parseCommand(text))),
    { seed: SEED, numRuns: 2000 },
  );
  t.pass();
});
