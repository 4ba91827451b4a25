import { createDecipheriv, getCipherInfo } from 'node:crypto';

/**
 * VCC Live body encryption, as its docs decrypt it with PHP's
 * `openssl_decrypt($body, $cipher, $secretKey, 0, hex2bin($iv))`: the body is base64
 * ciphertext, the IV comes hex-encoded in the `iv` query parameter (empty when VCC's IV is
 * off), and both key and IV are zero-padded or truncated to the cipher's lengths as PHP does.
 */
export interface BodyCipher {
  readonly name: string;
  /** Returns the plaintext, or throws DecryptError (its message never holds key or body). */
  decrypt(base64Body: string, ivHex: string): string;
}

export class DecryptError extends Error {
  readonly code = 'decrypt_failed';
}

/** Throws a plain Error naming the problem when the cipher is unknown to this Node/OpenSSL. */
export function createBodyCipher(name: string, key: string): BodyCipher {
  const info = getCipherInfo(name);
  if (!info) throw new Error(`VCC_ENCRYPTION_CIPHER: unknown cipher "${name}" (e.g. aes-256-ctr)`);
  if (info.mode === 'gcm' || info.mode === 'ccm' || info.mode === 'ocb') {
    throw new Error(`VCC_ENCRYPTION_CIPHER: authenticated mode "${name}" is not supported by VCC's scheme`);
  }
  const keyBytes = fit(Buffer.from(key, 'utf8'), info.keyLength);
  const ivLength = info.ivLength ?? 0;
  return {
    name,
    decrypt(base64Body, ivHex) {
      const compact = base64Body.replace(/\s+/g, '');
      if (compact.startsWith('{')) {
        throw new DecryptError('body is plain JSON, but encryption is on: VCC must send base64 ciphertext');
      }
      if (compact.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
        throw new DecryptError('body is not base64: with encryption on, VCC sends base64 ciphertext');
      }
      if (!/^([0-9a-fA-F]{2})*$/.test(ivHex)) {
        throw new DecryptError('iv query parameter is not hex');
      }
      try {
        const iv = ivLength > 0 ? fit(Buffer.from(ivHex, 'hex'), ivLength) : null;
        const d = createDecipheriv(name, keyBytes, iv);
        return Buffer.concat([d.update(Buffer.from(compact, 'base64')), d.final()]).toString('utf8');
      } catch {
        throw new DecryptError('body could not be decrypted (check cipher, key and iv)');
      }
    },
  };
}

function fit(b: Buffer, len: number): Buffer {
  if (b.length === len) return b;
  const out = Buffer.alloc(len);
  b.copy(out, 0, 0, Math.min(len, b.length));
  return out;
}
