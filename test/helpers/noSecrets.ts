// The one check that no secret leaks: used by every integration test that holds one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

/** The forms a secret may take in text: as is, URL-encoded, JSON-escaped, base64. */
function forms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
      Buffer.from(secret).toString('base64'),
    ]),
  ];
}

/**
 * Fails `t` for every secret (token, webhook secret, webhook URL, password) found, in any of its
 * forms, in any of the named texts (log lines, pages, payloads, store files). Secrets must be
 * distinctive (8+ characters) so that a match means a leak.
 */
export function assertNoSecrets(
  t: ExecutionContext,
  texts: Record<string, string | readonly string[]>,
  secrets: readonly string[],
): void {
  for (const secret of secrets) {
    if (secret.length < 8)
      throw new Error(`assertNoSecrets: "${secret}" is too short to search for; use a distinctive secret`);
    for (const [where, text] of Object.entries(texts)) {
      const joined = typeof text === 'string' ? text : text.join('\n');
      const found = forms(secret).find((f) => joined.includes(f));
      t.is(
        found,
        undefined,
        `${where} contains the secret ${JSON.stringify(secret)}${found !== secret ? ` (as ${JSON.stringify(found)})` : ''}`,
      );
    }
  }
}

/** Every file of a SQLite store (the database, its WAL and shared memory) as one text to search. */
export function storeFiles(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.includes('.db'))
      .map((f) => [`store file ${f}`, readFileSync(join(dir, f)).toString('latin1')]),
  );
}
