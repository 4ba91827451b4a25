import type { Logger } from 'pino';

/** How often one repeated error is written at most. */
export const REPEAT_INTERVAL_MS = 30_000;

type Level = 'error' | 'warn';

/**
 * Log lines for errors that repeat while a fault lasts (a store or a platform down): the first
 * of a key is written at once; the same key again within `intervalMs` of the last line written
 * is only counted, and the next line written after that carries `repeated`, how many were
 * folded into it. So a fault costs a couple of lines a minute, never hundreds a second.
 */
export class RepeatedLog {
  private readonly last = new Map<string, { at: number; folded: number }>();

  constructor(
    private readonly log: Logger,
    private readonly clock: () => number,
    private readonly intervalMs = REPEAT_INTERVAL_MS,
  ) {}

  error(key: string, fields: Record<string, unknown>, msg: string): void {
    this.write('error', key, fields, msg);
  }

  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    this.write('warn', key, fields, msg);
  }

  private write(level: Level, key: string, fields: Record<string, unknown>, msg: string): void {
    const now = this.clock();
    const seen = this.last.get(`${msg}\u0000${key}`);
    if (seen && now - seen.at < this.intervalMs) {
      seen.folded += 1;
      return;
    }
    if (this.last.size >= 10_000) this.last.clear();
    this.last.set(`${msg}\u0000${key}`, { at: now, folded: 0 });
    this.log[level](seen?.folded ? { ...fields, repeated: seen.folded } : fields, msg);
  }
}
