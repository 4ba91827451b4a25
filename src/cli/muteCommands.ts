import { InvalidArgumentError, Option, type Command } from 'commander';
import { kindNamed, SHORT_KINDS, type EventKind } from '../vcc/changes.ts';
import type { Mute } from '../store/Store.ts';
import { MAX_MUTE_COMMENT, MAX_MUTE_MS } from '../actions/muteActions.ts';
import { describeTerm } from '../routing/conditions.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { muteDuration, whereTerms } from '../chat/grammar.ts';
import { CliError, out, withContext } from './cliContext.ts';
import { count } from '../render/plural.ts';

/** `90m`, `2h`, `1d` in milliseconds (1 minute to 90 days), as chat reads them. */
function parseDuration(s: string): number {
  const ms = muteDuration(s);
  if (ms === null) throw new InvalidArgumentError('write a duration such as 90m, 2h or 1d (at most 90d)');
  return ms;
}

const at = (ms: number) => new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');

/** One line per mute, for `mute list` (and the tests' reading of it). */
export function muteLine(m: Mute, now: number): string {
  const state =
    m.endsAt <= now ? `ended ${at(m.endsAt)}` : m.startsAt > now ? `from ${at(m.startsAt)}` : `until ${at(m.endsAt)}`;
  const what = [
    m.channel === null ? 'every channel' : `channel ${m.channel}`,
    m.kinds === null ? 'every kind' : m.kinds.join(','),
    ...(m.where.length ? [`where ${m.where.map(describeTerm).join(' ')}`] : []),
  ].join(' · ');
  return sanitizeLine(`#${m.id}  ${state}  ${what}  by ${m.createdBy}: ${m.comment}`);
}

interface AddOptions {
  channel?: string;
  kind: EventKind[];
  where: string[];
  for?: number;
  until?: string;
  comment: string;
}

/** `vcc-notify mute add|list|expire`: mutes (silences) in the store the service reads. */
export function addMuteCommands(program: Command): void {
  const mute = program
    .command('mute')
    .description('hold back matching deliveries for a while (recorded as muted, resendable)');
  mute
    .command('add')
    .description('make a mute; prints its id')
    .addOption(new Option('--channel <name>', 'only this channel').default(undefined, 'every channel'))
    .addOption(
      new Option('--kind <kind>', 'only this kind (repeat for more)').argParser(collectKind).default([], 'every kind'),
    )
    .addOption(
      new Option('--where <term>', 'FIELD=V1,V2 | FIELD!=V | FIELD~REGEX (repeat: all must hold)')
        .argParser((v, acc: string[]) => [...acc, v])
        .default([], 'no condition'),
    )
    .option('--for <duration>', 'how long: 90m, 2h, 1d', parseDuration)
    .option('--until <time>', 'until this ISO time')
    .requiredOption('--comment <text>', 'why (shown wherever the mute is)')
    .action(async (o: AddOptions) => {
      const now = Date.now();
      const endsAt = endOf(o, now);
      const where = whereTerms(o.where);
      if (typeof where === 'string') throw new CliError(`--where: ${where}`);
      const comment = sanitizeLine(o.comment).trim();
      if (comment === '' || comment.length > MAX_MUTE_COMMENT)
        throw new CliError(`--comment: 1 to ${MAX_MUTE_COMMENT} characters`);
      await withContext(async ({ actions, actor }) => {
        const made = await actions.addMute(actor, {
          channel: o.channel ?? null,
          kinds: o.kind,
          where,
          comment,
          ms: endsAt - now,
        });
        if (!made.ok) throw new CliError(made.reason);
        out(String(made.id));
      });
    });
  mute
    .command('list')
    .description('the mutes in force (--all: ended ones too, newest first)')
    .option('--all', 'ended mutes too')
    .option('--json', 'one JSON array')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      await withContext(async ({ store }) => {
        const now = Date.now();
        const mutes = o.all ? await store.listMutes({ limit: 200 }) : await store.listMutes({ activeAt: now });
        if (o.json) return out(JSON.stringify(mutes, null, 2));
        if (mutes.length === 0) return out(o.all ? 'no mutes' : 'no mutes in force');
        for (const m of mutes) out(muteLine(m, now));
      });
    });
  addExpire(mute);
}

/** `mute expire ID [--send-held]`. */
function addExpire(mute: Command): void {
  mute
    .command('expire <id>')
    .description('end a mute now')
    .option('--send-held', 'and send what it held, once (through digests and rate limits, like any burst)')
    .action(async (id: string, o: { sendHeld?: boolean }) => {
      if (!/^[1-9]\d{0,15}$/.test(id)) throw new CliError(`"${id}" is not a mute id`);
      await withContext(async ({ actions, actor }) => {
        const r = await actions.expireMute(actor, Number(id), { send: o.sendHeld === true });
        if (!r.ok) throw new CliError(r.reason);
        out(`mute #${id} ended`);
        if (r.sent !== null) out(heldSent(Number(id), r.sent));
      });
    });
}

/** What sending a mute's held deliveries did, for people. */
export function heldSent(id: number, n: number): string {
  return n === 0
    ? `mute #${id} held nothing that is still unsent`
    : `${count(n, 'delivery', 'deliveries')} mute #${id} held queued to send once; a running service sends them within its poll interval`;
}

function collectKind(v: string, acc: EventKind[]): EventKind[] {
  const k = kindNamed(v.toLowerCase());
  if (!k) throw new InvalidArgumentError(`unknown kind (kinds: ${Object.keys(SHORT_KINDS).join(', ')})`);
  return acc.includes(k) ? acc : [...acc, k];
}

function endOf(o: AddOptions, now: number): number {
  if ((o.for === undefined) === (o.until === undefined))
    throw new CliError('give one of --for DURATION or --until ISO-TIME');
  if (o.for !== undefined) return now + o.for;
  const t = Date.parse(o.until!);
  if (!/^\d{4}-\d\d-\d\dT/.test(o.until!) || Number.isNaN(t))
    throw new CliError(`--until: "${o.until}" is not an ISO time (2026-12-05T18:00:00Z)`);
  if (t <= now) throw new CliError('--until: that time has passed');
  if (t - now > MAX_MUTE_MS) throw new CliError('--until: at most 90 days ahead');
  return t;
}
