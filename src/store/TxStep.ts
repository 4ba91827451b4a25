/**
 * One statement of a transaction, as data: SQL both dialects run (or one text per dialect)
 * with `$name` parameters. Data, so a transaction crosses the SQLite writer's thread boundary
 * whole; each concern's module builds the steps for its tables, and `transaction` runs steps
 * of several concerns (an action and its audit entry) in one commit.
 */
export interface TxStep {
  sql: string | { sqlite: string; postgres: string };
  params: Record<string, unknown>;
  /** `rows`: the rows it returns (a RETURNING or a SELECT); `count`: how many rows it changed. */
  returns: 'rows' | 'count';
  /**
   * Parameters taken from an earlier step's result: name to [that step's index, a column of
   * its first row, or COUNT: how many rows it returned or changed].
   */
  from?: Record<string, readonly [number, string]>;
  /** When this step returns or changes nothing, the whole transaction rolls back (`transaction` gives null). */
  needs?: true;
}

/** One result per step: its rows, or how many rows it changed. */
export type TxResult = Array<Record<string, unknown>[] | number>;

/** Runs steps of any concerns in one transaction. */
export interface Transactions {
  /**
   * Runs the steps in order in one transaction and returns each one's result; null (nothing
   * written) when a step marked `needs` returned or changed nothing.
   */
  transaction(steps: readonly TxStep[]): Promise<TxResult | null>;
}

/** Thrown inside a transaction when a `needs` step found nothing: the store rolls back and answers null. */
export const UNCHANGED = 'VCC_UNCHANGED';

/** The step's SQL for a dialect. */
export const stepSql = (s: TxStep, dialect: 'sqlite' | 'postgres'): string =>
  typeof s.sql === 'string' ? s.sql : s.sql[dialect];

/** In `TxStep.from`: how many rows the step returned or changed, rather than a column. */
export const COUNT = '#count';

/** The step's parameters with those it takes from earlier results filled in. */
export function stepParams(s: TxStep, done: TxResult): Record<string, unknown> {
  if (!s.from) return s.params;
  const params = { ...s.params };
  for (const [name, [i, column]] of Object.entries(s.from)) {
    const r = done[i];
    if (column === COUNT) params[name] = Array.isArray(r) ? r.length : (r ?? null);
    else params[name] = Array.isArray(r) ? (r[0]?.[column] ?? null) : null;
  }
  return params;
}

/** Whether a `needs` step's result is empty. */
export const unmet = (s: TxStep, r: TxResult[number]): boolean =>
  s.needs === true && (Array.isArray(r) ? r.length === 0 : r === 0);

/** The first row's column as a number (an id a RETURNING gave), or null. */
export function firstId(r: TxResult[number] | undefined, column = 'id'): number | null {
  const v = Array.isArray(r) ? r[0]?.[column] : undefined;
  return v === undefined || v === null ? null : Number(v);
}
