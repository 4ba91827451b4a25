import test from 'ava';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoSecrets, storeFiles } from './helpers/noSecrets.ts';
import { cleanup, startTestService, tempDir, until, type TestService } from './helpers/service.ts';
import { createdBody, vccFixture } from './helpers/fixtures.ts';
import { loadSettings } from '../src/config/settings.ts';

const SECRET = 's3cret-key-for-tests';
const q = { 'secret-key': SECRET };

async function withService(env: Record<string, string>, fn: (s: TestService) => Promise<void>) {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: SECRET, ...env }, { sqlite: { busyTimeoutMs: 100 } });
  try {
    await fn(svc);
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
}

test('accepts both VCC samples with POST and PUT, and answers a repeat as duplicate', (t) =>
  withService({}, async (svc) => {
    const created = await svc.send(vccFixture('user-created'), { query: q });
    t.is(created.status, 200);
    t.like(created.json, { status: 'accepted', deliveries: 1 });
    const changed = await svc.send(vccFixture('user-changed'), { query: q, method: 'PUT' });
    t.is(changed.status, 200);
    t.like(changed.json, { status: 'accepted', deliveries: 1 });
    const again = await svc.send(vccFixture('user-changed'), { query: q });
    t.deepEqual(again, { status: 200, json: { status: 'duplicate', event: changed.json.event } });
    const ev = await svc.store.getEvent(changed.json.event);
    t.deepEqual(ev?.changes, [
      { kind: 'user.updated', field: 'redistribution', before: 0, after: 1, sensitive: false },
    ]);
    t.is((await svc.store.listEvents({ limit: 10 })).length, 2);
  }));

test('secret-key: a secret with reserved characters matches however VCC encodes it; a repeated or partial one is refused', async (t) => {
  const secret = 'a+b c&d=e%f/ü';
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: secret });
  try {
    const post = (query: string) =>
      fetch(`${svc.url}/webhooks/vcc/users?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(createdBody()),
      }).then((r) => r.status);
    const cases: Array<[name: string, query: string, status: number]> = [
      ['form encoding (space as +)', new URLSearchParams({ 'secret-key': secret }).toString(), 200],
      ['percent encoding (space as %20)', `secret-key=${encodeURIComponent(secret)}`, 200],
      ['after another parameter', `iv=x&secret-key=${encodeURIComponent(secret)}`, 200],
      ['given twice', `secret-key=${encodeURIComponent(secret)}&secret-key=${encodeURIComponent(secret)}`, 401],
      ['+ left as a plus', `secret-key=${encodeURIComponent(secret).replace('%2B', '+')}`, 401],
      [
        '= and % left as they are (a stray % stays itself)',
        `secret-key=${encodeURIComponent(secret).replace('%3D', '=').replace('%25', '%')}`,
        200,
      ],
      ['& left as it is (ends the value)', `secret-key=${encodeURIComponent(secret).replace('%26', '&')}`, 401],
      ['a prefix', `secret-key=${encodeURIComponent(secret.slice(0, 5))}`, 401],
    ];
    for (const [name, query, status] of cases) t.is(await post(query), status, name);
    t.is((await svc.store.listEvents({ limit: 10 })).length, cases.filter(([, , s]) => s === 200).length);
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('401 for a missing or wrong secret-key: a flood costs no store write and no log line each, only a periodic summary', async (t) => {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: SECRET }, { refusalSummaryMs: 300 });
  try {
    const missing = await svc.send(createdBody());
    t.is(missing.status, 401);
    t.is(missing.json.error.code, 'unauthorized');
    const flood = await Promise.all(
      Array.from({ length: 299 }, (_, i) => svc.send(createdBody(), { query: { 'secret-key': `nope-${i}-wrong` } })),
    );
    t.true(flood.every((r) => r.status === 401));
    t.deepEqual(
      await svc.store.listRefusals({ limit: 10 }),
      [],
      'unauthenticated refusals are not written to the store',
    );
    t.is((await svc.store.listEvents({ limit: 10 })).length, 0);
    // Summaries every 300 ms here: together they account for every request, from one address.
    const summaries = () =>
      svc.logs
        .map((l) => JSON.parse(l))
        .filter((l) => /refused without authentication .* since the last summary/.test(l.msg));
    await until(() => summaries().reduce((n, l) => n + l.requests, 0) === 300, 60_000, 'summaries of all 300');
    for (const l of summaries())
      t.deepEqual(
        { addresses: l.addresses, top: l.top },
        { addresses: 1, top: [{ address: '127.0.0.1', requests: l.requests }] },
      );
    t.true(summaries().length < 300, 'one line per interval, not per request');
    t.false(
      svc.logs.some((l) => l.includes('VCC request refused') && l.includes('"status":401')),
      'a log line per 401',
    );
    assertNoSecrets(t, { log: svc.logs, ...storeFiles(svc.dir) }, [SECRET, 'nope-0-wrong', 'nope-298-wrong']);
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    t.regex(metrics, /^vcc_notify_requests_refused_total\{reason="unauthorized"\} 300$/m);
    // Other refusals are still recorded one by one.
    t.is((await svc.send(createdBody(), { query: q, raw: '{' })).status, 400);
    t.like((await svc.store.listRefusals({ limit: 10 }))[0], { status: 400, code: 'invalid_json' });
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('accepts userid spelling, nulls, unknown fields and unknown enum values', (t) =>
  withService({}, async (svc) => {
    const base = vccFixture('user-created');
    const { userId, ...rest } = base.new;
    const body = {
      ...base,
      new: {
        ...rest,
        userid: 77,
        privGroup: null,
        extension: null,
        state: 'suspended',
        registerTransport: 'sip-quic',
        futureField: { a: 1 },
      },
      extraTopLevel: true,
    };
    const res = await svc.send(body, { query: q });
    t.is(res.status, 200, JSON.stringify(res.json));
    const ev = await svc.store.getEvent(res.json.event);
    t.is(ev?.userId, '77');
    t.is(ev?.new.state, 'suspended');
    t.is(ev?.new.registerTransport, 'sip-quic');
    t.is(ev?.new.privGroup, null);
    t.false('futureField' in (ev?.new ?? {}));
  }));

const refusedShapes: Array<[string, unknown, string]> = [
  ['state is a number', { old: null, new: { userId: 1, state: 5 } }, 'new.state'],
  ['isAgent is a word', { old: null, new: { userId: 1, isAgent: 'yes' } }, 'new.isAgent'],
  ['privGroup is a string', { old: null, new: { userId: 1, privGroup: 'four' } }, 'new.privGroup'],
  ['new is missing', { old: null }, 'new'],
  ['new is null', { old: null, new: null }, 'new'],
  ['old is a string', { old: 'x', new: { userId: 1 } }, 'old'],
  ['old.state is wrong', { old: { state: [] }, new: { userId: 1 } }, 'old.state'],
  ['body is an array', [1, 2], ''],
  ['body is a string', 'hello', ''],
];

for (const [name, body, path] of refusedShapes) {
  test(`400 with the failing path: ${name}`, (t) =>
    withService({}, async (svc) => {
      const res = await svc.send(body, { query: q });
      t.is(res.status, 400);
      t.is(res.json.error.code, 'invalid_payload');
      t.is(res.json.error.path, path);
      t.truthy(res.json.error.message);
      const [refusal] = await svc.store.listRefusals({ limit: 1 });
      t.is(refusal?.path, path);
      t.is(refusal?.status, 400);
    }));
}

test('400 for a body that is not JSON, 415 for other content types, 413 over the limit', (t) =>
  withService({ VCC_MAX_BODY_BYTES: '2048' }, async (svc) => {
    const bad = await svc.send(null, { query: q, raw: '{"old": null, "new": ' });
    t.is(bad.status, 400);
    t.is(bad.json.error.code, 'invalid_json');
    const form = await svc.send(null, { query: q, raw: 'a=1', contentType: 'application/x-www-form-urlencoded' });
    t.is(form.status, 415);
    t.is(form.json.error.code, 'unsupported_media_type');
    const text = await svc.send(createdBody(), { query: q, contentType: 'text/plain' });
    t.is(text.status, 415, 'text/plain is only for encrypted bodies');
    const big = await svc.send(createdBody({ name: 'x'.repeat(4000) }), { query: q });
    t.is(big.status, 413);
    t.is(big.json.error.code, 'payload_too_large');
    const vendorJson = await svc.send(createdBody(), { query: q, contentType: 'application/json; charset=utf-8' });
    t.is(vendorJson.status, 200);
    for (const contentType of ['application/vnd.vcc.user+json', 'Application/JSON']) {
      t.is((await svc.send(createdBody(), { query: q, contentType })).status, 200, contentType);
    }
    const codes = (await svc.store.listRefusals({ limit: 10 })).map((r) => r.status).sort();
    t.deepEqual(codes, [400, 413, 415, 415]);
  }));

test('503 when the store is locked by another writer; nothing half-written, VCC retry then succeeds', (t) =>
  withService({}, async (svc) => {
    const blocker = new Database(join(svc.dir, 'vcc.db'));
    blocker.pragma('busy_timeout = 0');
    blocker.exec('BEGIN EXCLUSIVE');
    const body = createdBody();
    try {
      const res = await svc.send(body, { query: q });
      t.is(res.status, 503);
      t.is(res.json.error.code, 'store_unavailable');
      const ready = await fetch(`${svc.url}/readyz`);
      t.is(ready.status, 503);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    t.is((await svc.store.listEvents({ limit: 10 })).length, 0);
    const retry = await svc.send(body, { query: q });
    t.is(retry.status, 200);
    t.is(retry.json.status, 'accepted');
    t.is((await fetch(`${svc.url}/readyz`)).status, 200);
  }));

test('without a secret the service binds 127.0.0.1 only and says so', async (t) => {
  const svc = await startTestService({ HOST: '0.0.0.0' });
  try {
    t.is(svc.url.startsWith('http://127.0.0.1:'), true);
    t.true(svc.logs.some((l) => l.includes('listening on 127.0.0.1 only')));
    const res = await svc.send(createdBody());
    t.is(res.status, 200);
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('healthz answers, unknown methods get 405 with Allow; a trailing slash reaches the same handler', (t) =>
  withService({}, async (svc) => {
    t.is((await fetch(`${svc.url}/healthz`)).status, 200);
    for (const method of ['DELETE', 'GET', 'PATCH', 'OPTIONS']) {
      const res = await fetch(`${svc.url}/webhooks/vcc/users`, { method });
      t.is(res.status, 405, method);
      t.deepEqual(res.headers.get('allow')?.split(/,\s*/).sort(), ['POST', 'PUT'], method);
    }
    const slash = await fetch(`${svc.url}/webhooks/vcc/users/?secret-key=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createdBody()),
    });
    t.is(slash.status, 200);
    t.like(await slash.json(), { status: 'accepted', deliveries: 1 });
    t.is((await fetch(`${svc.url}/webhooks/vcc/users?secret-key=nope`, { method: 'POST', body: '{}' })).status, 401);
  }));

test('a bad setting stops start-up with the variable named', (t) => {
  t.throws(() => loadSettings({ RETENTION_DAYS: '7' }), { message: /RETENTION_DAYS must be 0 .* or at least 30/ });
  t.throws(() => loadSettings({ PORT: 'eighty' }), { message: /^PORT: invalid value/ });
  t.throws(() => loadSettings({ VCC_ENCRYPTION_KEY: 'k' }), { message: /VCC_ENCRYPTION_CIPHER is not/ });
  t.is(loadSettings({ VCC_WEBHOOK_SECRET: 's', RETENTION_DAYS: '0' }).env.RETENTION_DAYS, 0);
});

const deep = (n: number) => `{"old":null,"new":{"userId":1,"messageLists":${'['.repeat(n)}${']'.repeat(n)}}}`;
const boundsCases: Array<[string, string, RegExp, RegExp]> = [
  ['nested 40 levels', deep(40), /^new\.messageLists(\.0)+$/, /nested deeper than 32 levels/],
  [
    'nested 3,500 levels (was accepted, then broke the admin page)',
    deep(3_500),
    /^new\.messageLists(\.0)+$/,
    /nested deeper than 32 levels/,
  ],
  [
    'nested 30,000 levels (was a 500 while hashing)',
    deep(30_000),
    /^new\.messageLists(\.0)+$/,
    /nested deeper than 32 levels/,
  ],
  [
    '6,000 array items',
    `{"old":null,"new":{"userId":1,"messageLists":[${Array(6_000).fill('0').join(',')}]}}`,
    /^new\.messageLists$/,
    /more than 5000 values/,
  ],
];

for (const [name, raw, path, message] of boundsCases) {
  test(`400 invalid_payload, recorded as refused: ${name}`, (t) =>
    withService({}, async (svc) => {
      const res = await svc.send(null, { query: q, raw });
      t.is(res.status, 400);
      t.is(res.json.error.code, 'invalid_payload');
      t.regex(res.json.error.path, path);
      t.regex(res.json.error.message, message);
      const [refusal] = await svc.store.listRefusals({ limit: 1 });
      t.is(refusal?.status, 400);
      t.regex(refusal?.path ?? '', path);
      t.is((await svc.store.listEvents({ limit: 1 })).length, 0, 'nothing stored');
      t.is((await fetch(`${svc.url}/healthz`)).status, 200);
    }));
}

test('a body exactly at the bounds (32 levels, 5000 values) is accepted', (t) =>
  withService({}, async (svc) => {
    const res = await svc.send(null, { query: q, raw: deep(30) });
    t.is(res.status, 200, JSON.stringify(res.json));
    const wide = await svc.send(null, {
      query: q,
      raw: `{"old":null,"new":{"userId":2,"messageLists":[${Array(4_990).fill('0').join(',')}]}}`,
    });
    t.is(wide.status, 200, JSON.stringify(wide.json));
  }));

// Found by the property test (test/properties.test.ts): superstruct prints a refused value with
// `${value}`, which throws for an object whose own toString is not a function; and routing
// compared array values with String(), which does the same inside messageLists.
const poisonCases: Array<[string, string, number, RegExp | null]> = [
  [
    'userId {"toString":0}',
    '{"old":null,"new":{"userId":{"toString":0},"username":"p"}}',
    400,
    /^new\.userId: expected an integer or a string of digits, got object$/,
  ],
  [
    'timestamp {"toString":0}',
    '{"old":null,"new":{"userId":1},"timestamp":{"toString":0}}',
    400,
    /^timestamp: expected string/,
  ],
  ['new [{"toString":0}]', '{"old":null,"new":[{"toString":0}]}', 400, /^new: expected an object/],
  [
    'old {"valueOf":0,"toString":0} (unknown fields: a valid user)',
    '{"old":{"valueOf":0,"toString":0},"new":{"userId":1}}',
    200,
    null,
  ],
  [
    'messageLists [{"toString":0}] against a where on it',
    '{"old":null,"new":{"userId":1,"messageLists":[{"toString":0}]}}',
    200,
    null,
  ],
  ['__proto__ inside new', '{"old":null,"new":{"__proto__":{"isAgent":true},"userId":1}}', 200, null],
];

for (const [name, raw, status, message] of poisonCases) {
  test(`a value that breaks String(): ${name} -> ${status}`, async (t) => {
    const dir = tempDir();
    const cfg = join(dir, 'vcc-notify.yaml');
    writeFileSync(
      cfg,
      'channels:\n  log: { type: console }\nroutes:\n  - channel: log\n    where: { messageLists: { matches: "x" } }\n',
    );
    await withService({ VCC_NOTIFY_CONFIG: cfg }, async (svc) => {
      const res = await svc.send(null, { query: q, raw });
      t.is(res.status, status, JSON.stringify(res.json));
      if (message) t.regex(res.json.error.message, message);
      else t.truthy(await svc.store.getEvent(res.json.event));
      t.is(({} as Record<string, unknown>).isAgent, undefined, 'Object.prototype polluted');
    });
    cleanup(dir);
  });
}
