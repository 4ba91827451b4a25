import test from 'ava';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { cleanup, startTestService, until, type TestService } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { loadSettings } from '../src/config/settings.ts';
import { parseSourceList } from '../src/config/sourceList.ts';

const SECRET = 'edge-secret';
const q = { 'secret-key': SECRET };

async function withService(env: Record<string, string>, fn: (svc: TestService) => Promise<void>) {
  const svc = await startTestService(
    { VCC_WEBHOOK_SECRET: SECRET, VCC_MAX_BODY_BYTES: '4096', ...env },
    { worker: false },
  );
  try {
    await fn(svc);
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
}

const encodings: Array<[string, string, (b: Buffer) => Buffer]> = [
  ['gzip', 'gzip', gzipSync],
  ['x-gzip', 'x-gzip', gzipSync],
  ['deflate (zlib)', 'deflate', deflateSync],
  ['deflate (raw)', 'deflate', deflateRawSync],
  ['br', 'br', brotliCompressSync],
  ['GZIP in capitals', 'GZIP', gzipSync],
];
for (const [name, coding, encode] of encodings) {
  test(`a ${name} body is decoded and accepted`, (t) =>
    withService({}, async (svc) => {
      const body = encode(Buffer.from(JSON.stringify(createdBody())));
      const res = await svc.send(null, {
        query: q,
        raw: new Uint8Array(body),
        headers: { 'content-encoding': coding },
      });
      t.is(res.status, 200, JSON.stringify(res.json));
      t.is(res.json.status, 'accepted');
    }));
}

test('encodings: a bomb is 413, garbage is 400, an unknown coding is 415 naming it; nothing stored', (t) =>
  withService({}, async (svc) => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)); // 10 MiB of spaces in ~10 KB... over 4 KiB as sent too
    const small = gzipSync(Buffer.from(`{"old":null,"new":{"userId":1},"timestamp":"x"${' '.repeat(8_000)}}`)); // ~100 bytes sent, 8 KB decoded
    t.true(small.length < 4096);
    const cases: Array<[string, Uint8Array, string, number, string]> = [
      ['a bomb over the limit as sent', new Uint8Array(bomb), 'gzip', 413, 'payload_too_large'],
      ['small as sent, over the limit decoded', new Uint8Array(small), 'gzip', 413, 'payload_too_large'],
      ['not gzip at all', new TextEncoder().encode('{"old":null}'), 'gzip', 400, 'bad_encoding'],
      ['an unknown coding', new TextEncoder().encode('{}'), 'compress', 415, 'unsupported_encoding'],
      ['two codings', new Uint8Array(gzipSync(gzipSync('{}'))), 'gzip, gzip', 415, 'unsupported_encoding'],
    ];
    for (const [name, raw, coding, status, code] of cases) {
      const res = await svc.send(null, { query: q, raw, headers: { 'content-encoding': coding } });
      t.is(res.status, status, name);
      t.is(res.json.error.code, code, name);
      if (status === 415) t.true(res.json.error.message.includes(coding.split(',')[0]!), name);
    }
    t.is((await svc.store.listEvents({ limit: 10 })).length, 0);
  }));

test('secret rotation: the new and the previous secret are both accepted; the log and /metrics say which', (t) =>
  withService({ VCC_WEBHOOK_SECRET_PREVIOUS: 'old-secret' }, async (svc) => {
    t.is((await svc.send(createdBody(), { query: q })).status, 200);
    t.is((await svc.send(createdBody(), { query: { 'secret-key': 'old-secret' } })).status, 200);
    t.is((await svc.send(createdBody(), { query: { 'secret-key': 'older-secret' } })).status, 401);
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    t.regex(metrics, /^vcc_notify_webhook_secret_used_total\{secret="current"\} 1$/m);
    t.regex(metrics, /^vcc_notify_webhook_secret_used_total\{secret="previous"\} 1$/m);
    const accepted = svc.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'event accepted');
    t.deepEqual(
      accepted.map((l) => l.matched ?? 'current'),
      ['current', 'previous secret'],
    );
    t.false(svc.logs.some((l) => l.includes('old-secret') || l.includes(SECRET)));
  }));

test('HTTP timeouts: headers cannot take longer than the request they are part of', (t) => {
  t.throws(() => loadSettings({ HTTP_HEADERS_TIMEOUT_SECONDS: '60', HTTP_REQUEST_TIMEOUT_SECONDS: '30' }), {
    message: /^HTTP_HEADERS_TIMEOUT_SECONDS \(60\) must not be over/,
  });
});

test('secret rotation settings: the previous secret needs a current one', (t) => {
  t.throws(() => loadSettings({ VCC_WEBHOOK_SECRET_PREVIOUS: 'old' }), { message: /VCC_WEBHOOK_SECRET is not/ });
  const s = loadSettings({
    VCC_WEBHOOK_SECRET: 'new',
    VCC_WEBHOOK_SECRET_PREVIOUS: 'old',
    VCC_ENCRYPTION_CIPHER: 'aes-256-ctr',
  });
  t.deepEqual(s.encryption, { cipher: 'aes-256-ctr', key: 'new', previousKey: 'old' });
});

const sources: Array<[string, string, string, boolean]> = [
  ['an address in a v4 block', '203.0.113.0/24', '203.0.113.9', true],
  ['outside the block', '203.0.113.0/24', '203.0.114.9', false],
  ['a single address', '198.51.100.7', '198.51.100.7', true],
  ['IPv4-mapped IPv6 client', '127.0.0.0/8', '::ffff:127.0.0.1', true],
  ['a v6 block', '2001:db8::/32', '2001:db8::1', true],
  ['v6 outside', '2001:db8::/32', '2001:db9::1', false],
  ['a list with spaces and commas', '10.0.0.0/8, 127.0.0.1', '127.0.0.1', true],
  ['not an address', '127.0.0.0/8', 'unknown', false],
];
for (const [name, list, address, ok] of sources) {
  test(`VCC_ALLOWED_SOURCES: ${name}`, (t) => t.is(parseSourceList(list).allows(address), ok));
}

test('VCC_ALLOWED_SOURCES: a bad entry stops start-up naming it', (t) => {
  for (const bad of ['203.0.113.0/33', 'vcc.example.com', '10.0.0.0/8/1', ' , ']) {
    t.throws(() => loadSettings({ VCC_ALLOWED_SOURCES: bad }), { message: /^VCC_ALLOWED_SOURCES: / }, bad);
  }
});

test('VCC_ALLOWED_SOURCES: a request from elsewhere is 403, counted like a 401, never recorded', (t) =>
  withService({ VCC_ALLOWED_SOURCES: '203.0.113.0/24' }, async (svc) => {
    const res = await svc.send(createdBody(), { query: q });
    t.is(res.status, 403);
    t.is(res.json.error.code, 'forbidden_source');
    t.deepEqual(await svc.store.listRefusals({ limit: 10 }), []);
    t.is((await svc.store.listEvents({ limit: 10 })).length, 0);
    t.regex(
      await (await fetch(`${svc.url}/metrics`)).text(),
      /^vcc_notify_requests_refused_total\{reason="forbidden_source"\} 1$/m,
    );
  }));

test('VCC_ALLOWED_SOURCES behind TRUST_PROXY: the address the proxy added counts, not one a client wrote', (t) =>
  withService({ VCC_ALLOWED_SOURCES: '203.0.113.0/24', TRUST_PROXY: 'true' }, async (svc) => {
    const via = (xff: string) => svc.send(createdBody(), { query: q, headers: { 'x-forwarded-for': xff } });
    t.is((await via('203.0.113.5')).status, 200);
    t.is((await via('203.0.113.5, 198.51.100.1')).status, 403, 'a forged first entry does not help');
    t.is((await via('198.51.100.1, 203.0.113.6')).status, 200);
  }));

test('X-Forwarded-For without TRUST_PROXY: one warning that says what it costs', (t) =>
  withService({}, async (svc) => {
    for (let i = 0; i < 3; i++)
      await svc.send(createdBody(), { query: q, headers: { 'x-forwarded-for': '198.51.100.1' } });
    const warnings = () => svc.logs.filter((l) => l.includes('TRUST_PROXY is not set'));
    await until(() => warnings().length === 1, 10_000, 'the warning');
    t.is(warnings().length, 1);
    t.regex(warnings()[0]!, /lock everyone out/);
  }));
