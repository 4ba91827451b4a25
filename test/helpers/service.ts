import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadSettings } from '../../src/config/settings.ts';
import { startService, type RunningService, type ServiceOptions } from '../../src/service.ts';

export interface TestService extends RunningService {
  dir: string;
  logs: string[];
  /** The console channel's notifications (the `notification` field of their log lines). */
  printed: string[];
  /** POSTs (or `method`) a body to the webhook with the given query; returns status and JSON. */
  send(body: unknown, opts?: SendOpts): Promise<{ status: number; json: any }>;
}

export interface SendOpts {
  method?: 'POST' | 'PUT';
  query?: Record<string, string>;
  contentType?: string | null;
  raw?: string;
}

/** Collects pino's JSON lines in memory so tests can read (and grep) every log line. */
export function memoryLog(lines: string[]) {
  return new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vcc-notify-test-'));
}

/**
 * Starts the real service on an ephemeral port with its own SQLite file in `dir`
 * (a new temp dir unless given, so a restart can reuse it).
 */
export async function startTestService(env: Record<string, string> = {}, opts: Partial<ServiceOptions> & { dir?: string } = {}): Promise<TestService> {
  const dir = opts.dir ?? tempDir();
  const logs: string[] = [];
  const settings = loadSettings({ PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'vcc.db')}`, LOG_LEVEL: 'debug', ...env });
  const svc = await startService({
    settings,
    logDestination: memoryLog(logs),
    ...opts,
  });
  const send: TestService['send'] = async (body, o = {}) => {
    const qs = new URLSearchParams(o.query ?? {}).toString();
    const headers: Record<string, string> = {};
    if (o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
    const res = await fetch(`${svc.url}/webhooks/vcc/users${qs ? `?${qs}` : ''}`, {
      method: o.method ?? 'POST',
      headers,
      body: o.raw ?? JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status: res.status, json };
  };
  const notifications = () => logs.filter((l) => l.includes('"msg":"notification"')).map((l) => JSON.stringify(JSON.parse(l).notification));
  return Object.defineProperty(Object.assign(svc, { dir, logs, send }), 'printed', { get: notifications }) as TestService;
}

export function cleanup(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}

/** Polls `check` until it returns a truthy value or `ms` passes (then throws). */
export async function until<T>(check: () => T | Promise<T>, ms = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
