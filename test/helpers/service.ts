import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadSettings } from '../../src/config/settings.ts';
import { storeUrlFor } from './testStore.ts';
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
  raw?: string | Uint8Array;
  /** How the body is framed: Content-Length (default) or chunked Transfer-Encoding. */
  framing?: 'length' | 'chunked';
  headers?: Record<string, string>;
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

/** A clock that runs with real time from `start`, and can be moved on. */
export function movableClock(start: string) {
  let offset = Date.parse(start) - Date.now();
  return { now: () => Date.now() + offset, moveTo: (iso: string) => void (offset = Date.parse(iso) - Date.now()) };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vcc-notify-test-'));
}

/**
 * Starts the real service on an ephemeral port with its own store: the one testStore made for
 * `dir`, else a SQLite file in `dir` (a new temp dir unless given, so a restart can reuse it).
 */
export async function startTestService(
  env: Record<string, string> = {},
  opts: Partial<ServiceOptions> & { dir?: string } = {},
): Promise<TestService> {
  const dir = opts.dir ?? tempDir();
  const logs: string[] = [];
  const settings = loadSettings({
    PORT: '0',
    DATABASE_URL: storeUrlFor(dir) ?? `sqlite:${join(dir, 'vcc.db')}`,
    LOG_LEVEL: 'debug',
    ...env,
  });
  const svc = await startService({
    settings,
    logDestination: memoryLog(logs),
    ...opts,
  });
  const send: TestService['send'] = async (body, o = {}) => {
    const qs = new URLSearchParams(o.query ?? {}).toString();
    const headers: Record<string, string> = { ...o.headers };
    if (o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
    const payload = o.raw ?? JSON.stringify(body);
    // A stream has no length, so fetch sends it chunked.
    const framed = o.framing === 'chunked' ? { body: new Blob([payload]).stream(), duplex: 'half' } : { body: payload };
    const res = await fetch(`${svc.url}/webhooks/vcc/users${qs ? `?${qs}` : ''}`, {
      method: o.method ?? 'POST',
      headers,
      ...framed,
    } as RequestInit);
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  };
  const notifications = () =>
    logs.filter((l) => l.includes('"msg":"notification"')).map((l) => JSON.stringify(JSON.parse(l).notification));
  return Object.defineProperty(Object.assign(svc, { dir, logs, send }), 'printed', {
    get: notifications,
  }) as TestService;
}

/**
 * The real service with `yaml` as its config file in `dir` (so a restart reuses its store),
 * `secret` as its webhook secret, polling every 50 ms.
 */
export function serviceWithConfig(
  dir: string,
  yaml: string,
  secret: string,
  env: Record<string, string> = {},
): Promise<TestService> {
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, yaml);
  return startTestService({ VCC_WEBHOOK_SECRET: secret, VCC_NOTIFY_CONFIG: cfg, ...env }, { dir, pollMs: 50 });
}

/** Whether the service has no pending delivery left. */
export const drained = async (svc: TestService): Promise<boolean> =>
  (await svc.store.listDeliveries({ status: 'pending', limit: 1 })).length === 0;

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

/**
 * Sends `head` (request line and headers, no blank line) over a raw socket with no body and
 * neither Content-Length nor Transfer-Encoding, as `curl -X POST` does; returns the status and body.
 */
export async function bodilessRequest(port: number, head: string): Promise<{ status: number; json: any }> {
  const { connect } = await import('node:net');
  const raw = await new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let data = '';
    s.on('data', (d) => {
      data += d;
    });
    s.on('close', () => resolve(data));
    s.on('error', reject);
  });
  const [top = '', body = ''] = raw.split('\r\n\r\n');
  let json: any = body;
  try {
    json = JSON.parse(body);
  } catch {
    /* not JSON */
  }
  return { status: Number(top.split(' ')[1]), json };
}
