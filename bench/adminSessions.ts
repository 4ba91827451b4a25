import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_BIN } from './ingest.ts';
import { spawnBench, stopBench, type BenchService } from './scaleProcess.ts';

const TOKEN = 'bench-admin-token-31f9';

export interface PageTime {
  name: string;
  p50: number;
  p99: number;
}

/** A session cookie from the token form (the service's own login). */
async function sessionOf(svc: BenchService): Promise<string> {
  const res = await fetch(`${svc.base}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${TOKEN}`,
  });
  const cookie = /vcc_notify_admin=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`login answered ${res.status} without a session`);
  return cookie;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/**
 * `/admin/routes` (a page that reads little besides who asks) `n` times per way of asking,
 * interleaved one request each in turn: with a session cookie (this build: the session read
 * from the store), with the bearer token (no session at all: the floor), and, with
 * BENCH_BASE_BIN, a session cookie of that build (before this one: sessions in the process).
 */
export async function benchAdminSessions(n: number): Promise<PageTime[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-admin-'));
  const env = { ADMIN_TOKEN: TOKEN, VCC_WEBHOOK_SECRET: 's' };
  const svc = await spawnBench(join(dir, 'admin.db'), env);
  const base = BASE_BIN ? await spawnBench(join(dir, 'base.db'), env, BASE_BIN) : null;
  try {
    const ways: Array<{ name: string; url: string; headers: Record<string, string> }> = [
      {
        name: 'session in the store (this build)',
        url: svc.base,
        headers: { cookie: `vcc_notify_admin=${await sessionOf(svc)}` },
      },
      { name: 'bearer token, no session', url: svc.base, headers: { authorization: `Bearer ${TOKEN}` } },
    ];
    if (base)
      ways.push({
        name: 'session of BENCH_BASE_BIN',
        url: base.base,
        headers: { cookie: `vcc_notify_admin=${await sessionOf(base)}` },
      });
    const times = ways.map(() => [] as number[]);
    for (let i = 0; i < n + 20; i++)
      for (const [k, w] of ways.entries()) {
        const t0 = performance.now();
        const res = await fetch(`${w.url}/admin/routes`, { headers: w.headers });
        await res.text();
        if (res.status !== 200) throw new Error(`${w.name}: ${res.status}`);
        if (i >= 20) times[k]!.push(performance.now() - t0); // the first 20 warm each process up
      }
    return ways.map((w, k) => ({ name: w.name, p50: pct(times[k]!, 50), p99: pct(times[k]!, 99) }));
  } finally {
    await stopBench(svc);
    if (base) await stopBench(base);
    rmSync(dir, { recursive: true, force: true });
  }
}
