import { InvalidArgumentError, type Command } from 'commander';
import {
  DELIVERY_STATUSES,
  shownStatus,
  type DeliveryStatus,
  type EventStore,
  type ThreadRole,
} from '../store/Store.ts';
import { count } from '../render/plural.ts';
import { sanitizeLine } from '../render/sanitize.ts';
import { CliError, out, parseSince, withContext } from './cliContext.ts';
import { heldSent } from './muteCommands.ts';

/** The commands that read or change the store's events and deliveries. */
export function addStoreCommands(program: Command): void {
  addDeliveries(program);
  addReplay(program);
  addResend(program);
  addHistory(program);
}

function addDeliveries(program: Command): void {
  program
    .command('deliveries')
    .description('list deliveries, newest first')
    .option('--status <status>', DELIVERY_STATUSES.join(', '), (s) => {
      if (!(DELIVERY_STATUSES as readonly string[]).includes(s))
        throw new InvalidArgumentError(`use ${DELIVERY_STATUSES.join(', ')}`);
      return s;
    })
    .option('--channel <name>', 'only this channel')
    .option('--limit <n>', 'how many', positive('a positive whole number'), 50)
    .option('--before <id>', 'only deliveries older than this one (the next page)', positive('a delivery id'))
    .action(async (o: { status?: DeliveryStatus; channel?: string; limit: number; before?: number }) => {
      await withContext(async ({ store }) => {
        const ds = await store.listDeliveries({
          status: o.status,
          channel: o.channel,
          limit: o.limit,
          beforeId: o.before,
        });
        if (ds.length === 0) return out('no deliveries');
        for (const d of ds) {
          out(
            [
              `#${d.id}`,
              `event ${d.eventId}`,
              d.channel,
              shownStatus(d),
              `attempts ${d.attempts}`,
              new Date(d.updatedAt).toISOString(),
              d.lastError ?? '',
            ]
              .join('  ')
              .trimEnd(),
          );
        }
        if (ds.length === o.limit) out(`(more: add --before ${ds[ds.length - 1]!.id})`);
      });
    });
}

function addReplay(program: Command): void {
  program
    .command('replay')
    .description("re-queue dead deliveries; they are sent with the channel's current settings")
    .requiredOption('--dead', 'replay dead deliveries')
    .option('--channel <name>', 'only this channel')
    .option('--since <when>', 'only those that died since (30m, 24h, 7d, or an ISO date)', parseSince)
    .action(async (o: { channel?: string; since?: number }) => {
      await withContext(async ({ actions, actor }) => {
        const r = await actions.replay(actor, { channel: o.channel, since: o.since });
        const n = r.ok ? r.queued : 0;
        out(
          `re-queued ${count(n, 'dead delivery', 'dead deliveries')}${o.channel ? ` of ${o.channel}` : ''}; a running service sends them within its poll interval`,
        );
      });
    });
}

function addResend(program: Command): void {
  program
    .command('resend')
    .description(
      'queue a stored event for a channel now, whether or not the channel wanted it when it arrived; or what an ended mute held',
    )
    .option('--event <id>', 'the event id (vcc-notify history, the admin pages)', positive('a positive whole number'))
    .option(
      '--channel <name>',
      'with --event: a channel of the config, or a chat-made one (default: every channel the routes in force want it for)',
    )
    .option('--mute <id>', 'instead of --event: send once what this ended mute held', positive('a mute id'))
    .action(async (o: { event?: number; channel?: string; mute?: number }) => {
      if ((o.event === undefined) === (o.mute === undefined)) throw new CliError('give one of --event ID or --mute ID');
      if (o.mute !== undefined) return resendMuted(o.mute);
      await withContext(async ({ actions, actor }) => {
        const r = await actions.resend(actor, o.event!, o.channel);
        if (!r.ok) throw new CliError(r.reason.endsWith('name a channel') ? `${r.reason} with --channel` : r.reason);
        for (const d of r.resent)
          out(`event ${o.event} queued for ${d.channel} (delivery #${d.deliveryId}${d.was ? `, ${WAS[d.was]}` : ''})`);
        out('a running service sends within its poll interval');
      });
    });
}

/** What a delivery was before a resend queued it again. */
const WAS = {
  pending: 'already waiting to be sent: it goes once',
  sent: 'sent before: queued again',
  dead: 'given up before: queued again',
  muted: 'held by a mute before: queued now',
} as const satisfies Record<DeliveryStatus, string>;

/** `resend --mute ID`: what an ended mute held, once. */
async function resendMuted(id: number): Promise<void> {
  await withContext(async ({ actions, actor }) => {
    const r = await actions.sendHeld(actor, id);
    if (!r.ok) throw new CliError(r.reason);
    out(heldSent(id, r.sent));
  });
}

/** The users `who` names: the user with that id, else those the admin search finds (id, username, e-mail, name start). */
async function whoIs(
  store: Pick<EventStore, 'searchEvents'>,
  who: string,
): Promise<Array<{ id: string; name: string | null; username: string | null }>> {
  const seen = new Map<string, { id: string; name: string | null; username: string | null }>();
  const byId = await store.searchEvents({ user: who, limit: 1 });
  const page = byId.events.length > 0 ? byId : await store.searchEvents({ q: who, limit: 200 });
  for (const e of page.events)
    if (e.userId !== null && !seen.has(e.userId))
      seen.set(e.userId, { id: e.userId, name: oneLine(e.new.name), username: oneLine(e.new.username) });
  return [...seen.values()].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.id.localeCompare(b.id));
}

/** What history says when `who` names no user, or several. */
function notOne(who: string, users: Array<{ id: string; name: string | null; username: string | null }>): string {
  const shown = sanitizeLine(who);
  if (users.length === 0)
    return `no events for a user with the id, username or e-mail "${shown}", or a name starting with "${shown}"`;
  const lines = users.map((u) => `  ${u.id}  ${u.name ?? ''}${u.username ? ` (${u.username})` : ''}`.trimEnd());
  return [`${users.length} users match "${shown}"; name one by its id (history --user ID):`, ...lines].join('\n');
}

function addHistory(program: Command): void {
  program
    .command('history')
    .description("one VCC user's events, newest first, with their changes and deliveries")
    .requiredOption(
      '--user <who>',
      'a VCC user id, username or e-mail (exactly, any case), or the start of a name, as the admin search',
    )
    .option('--json', 'one JSON array instead of lines')
    .option('--limit <n>', 'how many events', positive('a positive whole number'), 50)
    .option('--before <id>', 'only events older than this one (the next page)', positive('a positive whole number'))
    .action(async (o: { user: string; json?: boolean; limit: number; before?: number }) => {
      const [{ changeText }, { threadText }] = await Promise.all([
        import('../render/changeText.ts'),
        import('../render/threadText.ts'),
      ]);
      await withContext(async ({ store, config }) => {
        const user = await whoIs(store, o.user.trim());
        if (user.length !== 1) return out(notOne(o.user.trim(), user));
        o.user = user[0]!.id;
        const page = await store.searchEvents({ user: o.user, limit: o.limit, beforeId: o.before });
        const rows = await Promise.all(
          page.events.map(async (e) => ({
            id: e.id,
            receivedAt: new Date(e.receivedAt).toISOString(),
            name: oneLine(e.new.name),
            username: oneLine(e.new.username),
            kinds: e.kinds,
            changes: e.changes.map((c) => changeText(c, config.labels, { showWages: false })),
            deliveries: (await store.listDeliveries({ eventId: e.id, limit: 50 })).map((d) => ({
              channel: d.channel,
              status: shownStatus(d),
              attempts: d.attempts,
              thread: d.thread,
              ...(shownStatus(d) === 'held' && { reason: d.lastError }),
            })),
          })),
        );
        const threads = (await store.threadsOf(o.user)).map((r) => ({ channel: r.channel, summary: threadText(r) }));
        if (o.json) return out(JSON.stringify({ user: o.user, threads, events: rows, next: page.next }, null, 2));
        if (rows.length === 0) return out(`no events for user ${o.user}`);
        for (const th of threads) out(`thread in ${th.channel}: ${th.summary}`);
        const place = (d: { thread: ThreadRole | null; reason?: string | null }) =>
          d.reason ? ` (${d.reason})` : d.thread ? ` (${d.thread})` : '';
        for (const r of rows) {
          out(`#${r.id}  ${r.receivedAt}  ${r.kinds.join(', ')}  ${r.name ?? ''}`.trimEnd());
          for (const c of r.changes) out(`    ${c}`);
          out(`    deliveries: ${r.deliveries.map((d) => `${d.channel} ${d.status}${place(d)}`).join(', ') || 'none'}`);
        }
        if (page.next !== null) out(`(more: add --before ${page.next})`);
      });
    });
}

/** An option parser for a whole number from 1 up; `what` is the usage error's wording. */
function positive(what: string): (s: string) => number {
  return (s) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(what);
    return n;
  };
}

/** A value from VCC as one visible line for a terminal, or null when absent. */
const oneLine = (v: unknown): string | null => (v === undefined || v === null ? null : sanitizeLine(String(v)));
