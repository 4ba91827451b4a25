// `crypto.hash()` (one-shot digest, Node >= 20.12: https://nodejs.org/api/crypto.html#cryptohashalgorithm-data-outputencoding)
// is missing from @types/node 20.x; this declares the two forms the service uses.
declare module 'node:crypto' {
  function hash(
    algorithm: string,
    data: string | NodeJS.ArrayBufferView,
    outputEncoding?: 'hex' | 'base64' | 'base64url',
  ): string;
  function hash(algorithm: string, data: string | NodeJS.ArrayBufferView, outputEncoding: 'buffer'): Buffer;
}
