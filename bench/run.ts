// `npm run bench`: figures side by side with a baseline measured in the same run.
// Not a test: this machine is noisy; read the ratio, not the absolute numbers.
import { benchIngest } from './ingest.ts';
import { freshDatabase } from '../test/helpers/postgres.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);

const pgdb = await freshDatabase();
const ingest = await benchIngest(seconds, [{ name: 'vcc-notify, Postgres (commit before 200)', env: { DATABASE_URL: pgdb.url } }])
  .finally(() => pgdb.drop());
const base = ingest[0]!;
console.log(`\nIngest: ${seconds}s per target, 50 connections, every request a distinct event`);
console.log('target'.padEnd(44), 'req/s'.padStart(9), 'ratio'.padStart(7), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'non-2xx'.padStart(8), 'errors'.padStart(7));
for (const r of ingest) {
  console.log(r.name.padEnd(44), r.rps.toFixed(0).padStart(9), `${(r.rps / base.rps).toFixed(2)}x`.padStart(7),
    String(r.p50).padStart(8), String(r.p99).padStart(8), String(r.non2xx).padStart(8), String(r.errors).padStart(7));
}

const { benchDelivery } = await import('./delivery.ts');
const n = Number(process.env.BENCH_EVENTS ?? 1000);
const d = await benchDelivery(n);
console.log(`\nDelivery: ${d.events} new agents in a burst to one Slack channel limited to 1 msg/s (target: <= 20 messages, 0 lost, 0 repeated, 0 429s)`);
console.log(`messages ${d.messages}, 429s drawn ${d.rateLimited}, drained in ${(d.drainMs / 1000).toFixed(1)} s, lost ${d.lost}, repeated ${d.repeated}`);
