import { Option, type Command } from 'commander';
import { REVIEW_STATUSES } from '../domain/reviews.ts';
import { CliError, out, parseSince, withContext } from './cliContext.ts';

/** `vcc-notify reviews`: every review request, its decision and who made it; as lines, CSV or JSON. */
export function addReviewsCommand(program: Command): void {
  program
    .command('reviews')
    .description('review requests and their decisions (who, when, why), oldest first: what an auditor asks for')
    .addOption(new Option('--status <status>', 'only these').choices([...REVIEW_STATUSES, 'overdue']))
    .option('--channel <name>', 'only this channel')
    .option('--since <when>', 'asked from then on (30m, 24h, 7d, or an ISO date)', parseSince)
    .option('--until <when>', 'asked before then (30m, 24h, 7d ago, or an ISO date)', parseSince)
    .addOption(new Option('--csv', 'CSV (header lines start with #)').conflicts('json'))
    .option('--json', 'one JSON document: madeAt, filters, count, counts per status, reviews')
    .action(
      async (o: {
        status?: string;
        channel?: string;
        since?: number;
        until?: number;
        csv?: boolean;
        json?: boolean;
      }) => {
        if (o.since !== undefined && o.until !== undefined && o.until <= o.since)
          throw new CliError('--until must be after --since');
        if (o.channel !== undefined && (o.channel.length > 200 || /[\u0000-\u001f]/.test(o.channel)))
          throw new CliError('--channel: a channel name on one line');
        const { readReviewExport, reviewsCsv, reviewsJson, reviewHeader, reviewLineText } =
          await import('../render/reviewExport.ts');
        await withContext(async ({ store }) => {
          const filters = {
            ...(o.status !== undefined ? { status: o.status as 'pending' } : {}),
            ...(o.channel !== undefined ? { channel: o.channel } : {}),
            ...(o.since !== undefined ? { since: o.since } : {}),
            ...(o.until !== undefined ? { until: o.until } : {}),
          };
          const x = await readReviewExport((f) => store.listReviews(f), filters, Date.now());
          if (o.csv) return void process.stdout.write(reviewsCsv(x));
          if (o.json) return out(reviewsJson(x));
          for (const l of reviewHeader(x)) out(`# ${l}`);
          for (const r of x.reviews) out(reviewLineText(r));
        });
      },
    );
}
