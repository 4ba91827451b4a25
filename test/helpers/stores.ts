import test, { type ExecutionContext } from 'ava';
import { STORE_KINDS, type StoreKind } from './testStore.ts';

export { STORE_KINDS, storeText, testStore, type StoreKind, type TestStore } from './testStore.ts';

/**
 * Declares one test per store kind, titled `title [sqlite]` and `title [postgres]`: one
 * parametrised suite, so a difference between the dialects fails a test.
 */
export function eachStore(title: string, fn: (t: ExecutionContext, kind: StoreKind) => Promise<void>): void {
  for (const kind of STORE_KINDS) test(`${title} [${kind}]`, (t) => fn(t, kind));
}
