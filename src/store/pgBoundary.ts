import { StoreRefusedError, StoreUnavailableError } from './Store.ts';
import { storeValue } from './columnValues.ts';

// What crosses between the Postgres store and the server: values going in, errors coming out.

/**
 * A string as Postgres can keep it. Postgres text cannot hold U+0000, and Postgres refuses JSON
 * text that decodes to a lone surrogate: both become U+FFFD (what a UTF-8 encoder makes of a
 * lone surrogate anyway). Every string a sender or user controls passes through this on its
 * way to Postgres, so a hostile value is stored, slightly changed, instead of failing its write
 * on every retry. SQLite keeps such strings as they are.
 */
export function pgText(s: string): string {
  return (s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s).toWellFormed();
}

/** Each string parameter through pgText, each number through storeInt; other values as they are. */
export function pgParams(values: readonly unknown[]): unknown[] {
  const one = (v: unknown): unknown => (typeof v === 'string' ? pgText(v) : storeValue(v));
  return values.map((v) => (Array.isArray(v) ? v.map(one) : one(v)));
}

/**
 * Whether an error says the server cannot take writes now, whatever the rows: a lock or
 * statement timeout (55P03, 57014), a server shutting down or gone (57P*, 08*), a connection
 * that failed or broke (errors without a SQLSTATE). Retrying a batch's events one by one
 * would only wait that long again for each.
 */
export function pgServerTrouble(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return (
    typeof code !== 'string' ||
    !/^[0-9A-Z]{5}$/.test(code) ||
    code === '55P03' ||
    code === '57014' ||
    /^(57P|08|53)/.test(code)
  );
}

/**
 * A Postgres or connection error as the store reports it: its SQLSTATE code, never the URL.
 * A data exception or a constraint violation (SQLSTATE class 22, 23), or a value the store's
 * boundary refused (a TypeError), is a StoreRefusedError: trying again cannot help.
 */
export function pgUnavailable(e: unknown, what: string): StoreUnavailableError {
  if (e instanceof StoreUnavailableError) return e;
  const code = (e as { code?: string }).code;
  const refused = e instanceof TypeError || (typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code));
  const Err = refused ? StoreRefusedError : StoreUnavailableError;
  return new Err(`${what}: ${code ?? (e as Error).message}`, { cause: e });
}
