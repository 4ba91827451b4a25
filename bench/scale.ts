// `npm run bench:scale [-- --store-size N]`: the service on a store of N events (default
// 1,000,000, one sent delivery each) beside the same on a 100-event store: each admin page's
// and `deliveries`' latency, the worst /healthz wait while they run, ingest, and a retention
// prune of half the big store. Not a test: read the ratios; this machine is noisy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ingestRate, seed, spawnBench, stopBench, timeCli } from './scaleProcess.ts';

const { values } = parseArgs({ options: { 'store-size': { type: 'string', default: '1000000' } } });
const BIG = Number(values['store-size']);
const SMALL = 100;
const TOKEN = 'scale-admin-token';
const SECRET = 'scale-secret';

/** Median latency of GET `path` over `runs`, and the worst /healthz answer time meanwhile. */
async function timePage(base: string, path: string, runs = 5): Promise<{ ms: number; worstHealthMs: number }> {
  let worst = 0;
  let running = true;
  const watch = (async () => {
    while (running) {
      const t0 = performance.now();
      await fetch(`${base}/healthz`);
      worst = Math.max(worst, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    times.push(performance.now() - t0);
  }
  running = false;
  await watch;
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, worstHealthMs: worst };
}

const dir = mkdtempSync(join(tmpdir(), 'vcc-scale-'));
try {
  const stores = { small: join(dir, 'small.db'), big: join(dir, 'big.db') };
  let t0 = performance.now();
  await seed(stores.small, SMALL, 0);
  await seed(stores.big, BIG, 0.5);
  console.log(
    `Scale: ${BIG.toLocaleString('en')} events (half of them 200 days old) beside ${SMALL}; seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  const pages = ['/admin', '/admin/dead', '/admin/refused', '/admin/routes', '/admin/events/42'];
  const rows: Array<[string, number, number, number, number]> = [];
  const results: Record<
    string,
    { pages: Record<string, { ms: number; worstHealthMs: number }>; cli: number; ingest: number }
  > = {};
  for (const [name, path] of Object.entries(stores)) {
    const svc = await spawnBench(path, { ADMIN_TOKEN: TOKEN, VCC_WEBHOOK_SECRET: SECRET, RETENTION_DAYS: '0' });
    try {
      const r: (typeof results)[string] = { pages: {}, cli: 0, ingest: 0 };
      for (const p of pages) r.pages[p] = await timePage(svc.base, p);
      r.cli = timeCli(path, ['deliveries', '--status', 'sent']);
      results[name] = r;
    } finally {
      await stopBench(svc);
    }
  }
  for (const p of pages)
    rows.push([
      p,
      results.small!.pages[p]!.ms,
      results.big!.pages[p]!.ms,
      results.small!.pages[p]!.worstHealthMs,
      results.big!.pages[p]!.worstHealthMs,
    ]);
  rows.push(['vcc-notify deliveries --status sent', results.small!.cli, results.big!.cli, NaN, NaN]);
  console.log(
    `${'what'.padEnd(38)} ${'100 ev ms'.padStart(10)} ${'big ms'.padStart(10)} ${'ratio'.padStart(7)} ${'target'.padStart(16)}  worst /healthz ms (small, big)`,
  );
  for (const [what, small, big, hs, hb] of rows) {
    const target = 3 * small + 20;
    console.log(
      `${what.padEnd(38)} ${small.toFixed(1).padStart(10)} ${big.toFixed(1).padStart(10)} ${`${(big / small).toFixed(2)}x`.padStart(7)} ${`<= ${target.toFixed(0)} ${big <= target ? 'holds' : 'MISSED'}`.padStart(16)}  ${Number.isNaN(hs) ? '' : `${hs.toFixed(0)}, ${hb.toFixed(0)}`}`,
    );
  }
  // Ingest: 5 rounds, small and big in alternating order, a fresh process each; each process
  // takes a 2 s load first (its JIT and page cache warming up, as a running service's have),
  // then 5 s measured. Medians.
  const rates: Record<'small' | 'big', number[]> = { small: [], big: [] };
  for (let round = 0; round < 5; round += 1) {
    for (const name of round % 2 === 0 ? (['small', 'big'] as const) : (['big', 'small'] as const)) {
      const svc = await spawnBench(stores[name], { VCC_WEBHOOK_SECRET: SECRET, RETENTION_DAYS: '0' });
      try {
        await ingestRate(svc.base, SECRET, 2);
        rates[name].push(await ingestRate(svc.base, SECRET));
        // A duplicate costs no insert: a rate with repeats in it would flatter the store.
        const dup = /^vcc_notify_events_duplicate_total (\d+)/m.exec(await (await fetch(`${svc.base}/metrics`)).text());
        if (dup && dup[1] !== '0') throw new Error(`ingest sent ${dup[1]} duplicates`);
      } finally {
        await stopBench(svc);
      }
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  results.small!.ingest = med(rates.small);
  results.big!.ingest = med(rates.big);
  const ratio = results.big!.ingest / results.small!.ingest;
  const perRound = rates.big.map((b, i) => (b / rates.small[i]!).toFixed(2)).join(' ');
  console.log(
    `ingest req/s (medians of 5 interleaved rounds, after a 2 s warm-up each): ${results.small!.ingest.toFixed(0)} on 100 events, ${results.big!.ingest.toFixed(0)} on the big store (${ratio.toFixed(2)}x; target >= 0.8x ${ratio >= 0.8 ? 'holds' : 'MISSED'}; per round ${perRound})`,
  );

  // Retention: the big store with RETENTION_DAYS=30 prunes its old half at start.
  t0 = performance.now();
  const svc = await spawnBench(stores.big, { VCC_WEBHOOK_SECRET: SECRET, RETENTION_DAYS: '30' });
  try {
    let worst = 0;
    let pruned = 0;
    for (;;) {
      const h0 = performance.now();
      await fetch(`${svc.base}/healthz`);
      worst = Math.max(worst, performance.now() - h0);
      const m = /^vcc_notify_pruned_rows_total\{table="events"\} (\d+)/m.exec(
        await (await fetch(`${svc.base}/metrics`)).text(),
      );
      pruned = m ? Number(m[1]) : 0;
      if (pruned >= BIG / 2 || performance.now() - t0 > 30 * 60_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(
      `retention: pruned ${pruned.toLocaleString('en')} events in ${((performance.now() - t0) / 1000).toFixed(0)} s; worst /healthz wait meanwhile ${worst.toFixed(0)} ms (target <= 100 ms ${worst <= 100 ? 'holds' : 'MISSED'})`,
    );
  } finally {
    await stopBench(svc);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
