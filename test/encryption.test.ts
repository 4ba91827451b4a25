import test from 'ava';
import { createCipheriv, randomBytes } from 'node:crypto';
import { cleanup, startTestService } from './helpers/service.ts';
import { createdBody } from './helpers/fixtures.ts';
import { createBodyCipher } from '../src/vcc/decrypt.ts';

const SECRET = 'shared-secret';

/** Encrypts as VCC Live does: key zero-padded to the cipher's length, base64 output. */
function vccEncrypt(plain: string, cipher: string, key: string, iv: Buffer): string {
  const k = Buffer.alloc(32);
  Buffer.from(key).copy(k);
  const c = createCipheriv(cipher, k, iv);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

test('encrypted bodies: right IV accepted (JSON or text/plain), wrong IV and plain JSON refused with 400', async (t) => {
  const svc = await startTestService({ VCC_WEBHOOK_SECRET: SECRET, VCC_ENCRYPTION_CIPHER: 'aes-256-ctr' });
  try {
    const iv = randomBytes(16);
    const body = createdBody({ password: 'Hunter2-enc' });
    const cipherText = vccEncrypt(JSON.stringify(body), 'aes-256-ctr', SECRET, iv);
    const ok = await svc.send(null, {
      raw: cipherText,
      query: { 'secret-key': SECRET, iv: iv.toString('hex') },
      contentType: 'text/plain',
    });
    t.is(ok.status, 200, JSON.stringify(ok.json));
    t.is(ok.json.status, 'accepted');
    const asJson = await svc.send(null, {
      raw: vccEncrypt(JSON.stringify(createdBody()), 'aes-256-ctr', SECRET, iv),
      query: { 'secret-key': SECRET, iv: iv.toString('hex') },
    });
    t.is(asJson.status, 200);

    const wrongIv = await svc.send(null, {
      raw: cipherText,
      query: { 'secret-key': SECRET, iv: randomBytes(16).toString('hex') },
      contentType: 'text/plain',
    });
    t.is(wrongIv.status, 400);
    t.is(wrongIv.json.error.code, 'decrypt_failed');
    t.regex(wrongIv.json.error.message, /did not decrypt to JSON/);

    const plain = await svc.send(createdBody(), { query: { 'secret-key': SECRET, iv: iv.toString('hex') } });
    t.is(plain.status, 400);
    t.regex(plain.json.error.message, /encryption is on/);

    const notHex = await svc.send(null, {
      raw: cipherText,
      query: { 'secret-key': SECRET, iv: 'zz' },
      contentType: 'text/plain',
    });
    t.is(notHex.status, 400);
    t.is((await svc.store.listEvents({ limit: 10 })).length, 2);
    const refusals = await svc.store.listRefusals({ limit: 10 });
    t.is(refusals.length, 3);
    t.true(refusals.every((r) => r.code === 'decrypt_failed'));
  } finally {
    await svc.stop();
    cleanup(svc.dir);
  }
});

test('an empty iv is zero-filled like PHP openssl_decrypt; a long key is truncated', (t) => {
  const longKey = 'k'.repeat(40);
  const c = createBodyCipher('aes-256-ctr', longKey);
  const enc = createCipheriv('aes-256-ctr', Buffer.from(longKey).subarray(0, 32), Buffer.alloc(16));
  const b64 = Buffer.concat([enc.update('{"a":1}'), enc.final()]).toString('base64');
  t.is(c.decrypt(b64, ''), '{"a":1}');
  t.throws(() => createBodyCipher('rot13', 'x'), { message: /unknown cipher "rot13"/ });
});
