// `npm run bench`: figures side by side with a baseline measured in the same run.
// Not a test: this machine is noisy; read the ratio, not the absolute numbers.
import { BASE_BIN, benchIngest, median, type LoadResult } from './ingest.ts';
import { benchFootprint, printPairs } from './footprint.ts';
import { rm } from 'node:fs/promises';
import { freshDatabase } from '../test/helpers/postgres.ts';
import { hoursAndMutes, reviewedRoutes } from './mutedSetup.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

console.log(
  `Footprint: medians of ${rounds} interleaved runs; the service with the built-in config, then with the Teams bot on each SDK`,
);
const pairs = await benchFootprint(rounds);

const pgdb = await freshDatabase();
const basePg = BASE_BIN ? await freshDatabase() : null;
const base = BASE_BIN
  ? [
      { name: 'BENCH_BASE_BIN, SQLite', env: {}, bin: BASE_BIN },
      { name: 'BENCH_BASE_BIN, Postgres', env: { DATABASE_URL: basePg!.url }, bin: BASE_BIN },
    ]
  : [];
const muted = await hoursAndMutes();
const reviewed = reviewedRoutes();
const { bare, targets } = await benchIngest(seconds, rounds, [
  { name: 'vcc-notify, Postgres (commit before 200)', env: { DATABASE_URL: pgdb.url } },
  { name: 'SQLite, 10 time intervals, 100 mutes', env: muted.env },
  { name: 'SQLite, a reviewed route configured', env: reviewed.env },
  ...base,
]).finally(() =>
  Promise.all([
    pgdb.drop(),
    basePg?.drop(),
    rm(muted.dir, { recursive: true, force: true }),
    rm(reviewed.dir, { recursive: true, force: true }),
  ]),
);
const sqlite = targets[0]!;
pairs.push({
  name: 'peak RSS under the ingest load',
  base: 'bare node:http',
  unit: 'MiB',
  baseline: bare.peakRssMiB!,
  value: sqlite.peakRssMiB!,
  target: 2.5,
});
printPairs(pairs);

console.log(
  `\nIngest: ${rounds} rounds of ${Math.max(1, Math.round(seconds / rounds))} s per target, 50 connections, every request a distinct event; medians over the rounds`,
);
console.log(
  'target'.padEnd(44),
  'req/s'.padStart(9),
  'ratio'.padStart(7),
  'p50 ms'.padStart(8),
  'p99 ms'.padStart(8),
  'non-2xx'.padStart(8),
  'errors'.padStart(7),
  'peak MiB'.padStart(9),
  '  ratio per round',
);
const row = (r: LoadResult, ratios: number[] | null) =>
  console.log(
    r.name.padEnd(44),
    r.rps.toFixed(0).padStart(9),
    (ratios ? `${median(ratios).toFixed(2)}x` : '1.00x').padStart(7),
    String(r.p50).padStart(8),
    String(r.p99).padStart(8),
    String(r.non2xx).padStart(8),
    String(r.errors).padStart(7),
    (r.peakRssMiB ?? NaN).toFixed(0).padStart(9),
    ratios ? `  ${ratios.map((x) => x.toFixed(2)).join(' ')}` : '',
  );
row(bare, null);
for (const t of targets) row(t, t.ratios);

const { benchDelivery } = await import('./delivery.ts');
const n = Number(process.env.BENCH_EVENTS ?? 1000);
console.log(
  `\nDelivery: ${n} new agents in a burst to one Slack channel limited to 1 msg/s (target: <= 20 messages, 0 lost, 0 repeated, 0 429s)`,
);
const deliveryDb = await freshDatabase();
for (const [store, url] of [
  ['SQLite', undefined],
  ['Postgres', deliveryDb.url],
] as const) {
  const d = await benchDelivery(n, url);
  console.log(
    `${store.padEnd(9)} messages ${d.messages}, 429s drawn ${d.rateLimited}, drained in ${(d.drainMs / 1000).toFixed(1)} s, lost ${d.lost}, repeated ${d.repeated}`,
  );
}
await deliveryDb.drop();

const { benchCalm } = await import('./calm.ts');
const calmAgents = Number(process.env.BENCH_CALM_AGENTS ?? 50);
console.log(
  `\nCalm channel: ${calmAgents} agents created one at a time, then 4 changes each, interleaved, each event sent once the previous is posted; one Slack channel with thread: agent beside one without (target: top-level ${calmAgents} with threads; 0 lost, 0 repeated, 0 429s)`,
);
console.log(
  'channel'.padEnd(22),
  'top-level'.padStart(9),
  'replies'.padStart(8),
  'edits'.padStart(6),
  '429s'.padStart(5),
  'lost'.padStart(5),
  'repeated'.padStart(9),
);
for (const c of await benchCalm(calmAgents))
  console.log(
    (c.channel === 'calm' ? 'thread: agent' : 'without threads').padEnd(22),
    String(c.topLevel).padStart(9),
    String(c.replies).padStart(8),
    String(c.edits).padStart(6),
    String(c.rateLimited).padStart(5),
    String(c.lost).padStart(5),
    String(c.repeated).padStart(9),
  );

const { benchLatency } = await import('./latency.ts');
const lat = await benchLatency(Number(process.env.BENCH_LATENCY_ROUNDS ?? 6));
console.log(
  `\nSingle-event latency: webhook answered -> message at the fake Slack, ${lat.samples} events in fresh processes, the first after each start included (target: p99 < 100 ms)`,
);
console.log(
  `vcc-notify      p50 ${lat.p50.toFixed(1).padStart(6)} ms  p99 ${lat.p99.toFixed(1).padStart(6)} ms  first after start: ${lat.first.map((x) => x.toFixed(0)).join(', ')} ms`,
);
console.log(
  `direct post     p50 ${lat.baseP50.toFixed(1).padStart(6)} ms  p99 ${lat.baseP99.toFixed(1).padStart(6)} ms  (the bench posting to the fake itself: the floor)`,
);

const { benchReviewClicks } = await import('./reviews.ts');
const clicks = await benchReviewClicks(Number(process.env.BENCH_REVIEWS ?? 200));
console.log(
  `\nReview clicks: Expected on ${clicks.decisions} requests over 20 Slack channels, one at a time, beside the webhook latency above (target: acknowledgement p99 < 100 ms, within Slack's 3 s)`,
);
console.log(
  `click -> ack     p50 ${clicks.ackP50.toFixed(1).padStart(6)} ms  p99 ${clicks.ackP99.toFixed(1).padStart(6)} ms`,
);
console.log(
  `click -> answer  p50 ${clicks.answerP50.toFixed(1).padStart(6)} ms  p99 ${clicks.answerP99.toFixed(1).padStart(6)} ms  (decided, recorded, answered through response_url)`,
);

const { benchProperties } = await import('./properties.ts');
const props = await benchProperties(
  Number(process.env.BENCH_BODIES ?? 3000),
  Number(process.env.BENCH_COMMANDS ?? 50000),
);
console.log(
  `\nProperties: generated hostile input, random seed ${props[0]!.seed} (replay with BENCH_SEED=${props[0]!.seed}); the suite runs seed 20261129 and fewer cases`,
);
for (const p of props)
  console.log(
    `${p.name.padEnd(40)} ${String(p.runs).padStart(6)} cases  ${(p.ms / 1000).toFixed(1).padStart(5)} s  ${p.failure ? `FAILED: ${p.failure}` : 'all hold'}`,
  );

const { benchPatterns } = await import('./patterns.ts');
console.log(
  '\nFilters: one hostile value against a pathological pattern, µs per event (RegExp only on a shorter value: each more character doubles its time)',
);
for (const f of benchPatterns())
  console.log(
    `${f.pattern.padEnd(36)} ${f.input.padEnd(18)} RE2 ${f.re2Us.toFixed(1).padStart(8)} µs   RegExp ${f.regexpUs === null ? '-' : f.regexpUs.toFixed(0).padStart(8)} µs`,
  );

const { benchAdminSessions } = await import('./adminSessions.ts');
const pagesN = Number(process.env.BENCH_ADMIN_PAGES ?? 300);
const pagesT = await benchAdminSessions(pagesN);
console.log(
  `\nAdmin page: /admin/routes ${pagesN} times per way of asking, interleaved (target: a session in the store at most 1.2x the ${BASE_BIN ? 'in-process sessions of BENCH_BASE_BIN' : 'bearer token, which reads no session'})`,
);
const floor = pagesT.find((p) => p.name.startsWith(BASE_BIN ? 'session of' : 'bearer'))!;
for (const p of pagesT)
  console.log(
    `${p.name.padEnd(36)} p50 ${p.p50.toFixed(2).padStart(7)} ms  p99 ${p.p99.toFixed(2).padStart(7)} ms  ratio p50 ${(p.p50 / floor.p50).toFixed(2)}x`,
  );
