import { InvalidArgumentError, Option, type Command } from 'commander';
import { ACTION_NAMES } from '../actions/auditEntry.ts';
import { CliError, out, parseSince, withContext } from './cliContext.ts';

/** A `--who` worth searching for: one line, at most 200 characters. */
function parseWho(s: string): string {
  const t = s.trim();
  if (t === '' || t.length > 200 || /[\u0000-\u001f\u007f]/.test(t))
    throw new InvalidArgumentError('an actor id or part of a name, 1 to 200 characters on one line');
  return t;
}

/** `vcc-notify audit`: who did what, when, through which door; as lines, CSV or JSON. */
export function addAuditCommand(program: Command): void {
  program
    .command('audit')
    .description(
      'the audit log: every action people took (mutes, replays, resends, subscriptions, sign-ins), oldest first',
    )
    .option('--since <when>', 'entries from then on (30m, 24h, 7d, or an ISO date)', parseSince)
    .option('--until <when>', 'entries before then (30m, 24h, 7d ago, or an ISO date)', parseSince)
    .option('--who <actor>', 'an actor id exactly (a chat user id, an OS user), or part of a name', parseWho)
    .addOption(new Option('--action <action>', 'one kind of action').choices(ACTION_NAMES))
    .addOption(new Option('--csv', 'CSV (header lines start with #)').conflicts('json'))
    .option('--json', 'one JSON document: madeAt, filters, count, entries')
    .action(
      async (o: { since?: number; until?: number; who?: string; action?: string; csv?: boolean; json?: boolean }) => {
        if (o.since !== undefined && o.until !== undefined && o.until <= o.since)
          throw new CliError('--until must be after --since');
        const { readAuditExport, auditCsv, auditJson, auditLine, exportHeader } =
          await import('../render/auditExport.ts');
        await withContext(async ({ store }) => {
          const filters = {
            ...(o.since !== undefined ? { since: o.since } : {}),
            ...(o.until !== undefined ? { until: o.until } : {}),
            ...(o.who !== undefined ? { who: o.who } : {}),
            ...(o.action !== undefined ? { action: o.action } : {}),
          };
          const x = await readAuditExport((f) => store.listAudit(f), filters, Date.now());
          if (o.csv) return void process.stdout.write(auditCsv(x));
          if (o.json) return out(auditJson(x));
          for (const l of exportHeader(x)) out(`# ${l}`);
          for (const e of x.entries) out(auditLine(e));
        });
      },
    );
}
