import { existsSync, readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadSettings, type Settings } from '../config/settings.ts';
import { loadConfig } from '../config/loadConfig.ts';
import type { NotifyConfig } from '../config/NotifyConfig.ts';
import type { DeliveryStatus, Store, StoredEvent } from '../store/Store.ts';
import type { Channels } from '../platforms/channels.ts';
import type { Subscriptions } from '../chat/Subscriptions.ts';
import type { EventKind } from '../vcc/changes.ts';
import { count } from '../render/plural.ts';

// Each command imports what it uses when it runs (`await import(...)`), so `check-config` never
// loads the store, the HTTP stack or a platform SDK.

/** A failure to report as one line on stderr with this exit code (no stack trace). */
class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

// A .env file in the working directory is read first; variables already set win over it.
if (existsSync('.env')) process.loadEnvFile('.env');

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

function settingsAndConfig(file?: string): { settings: Settings; config: NotifyConfig } {
  const settings = loadSettings(file ? { ...process.env, VCC_NOTIFY_CONFIG: file } : process.env);
  const config = loadConfig(settings.configPath, settings.source, { isDefaultPath: !settings.configExplicit });
  return { settings, config };
}

/** Opens the service's store and the pieces that send, as the service would build them. */
async function withKit<T>(fn: (ctx: { settings: Settings; config: NotifyConfig; store: Store; kit: Channels; subs: Subscriptions }) => Promise<T>): Promise<T> {
  const { settings, config } = settingsAndConfig();
  const [{ openStore }, { Subscriptions }, { createChannels }, { createLogger }, { DEFAULT_TEMPLATES, Renderer }, { TARGETS }] = await Promise.all([
    import('../store/openStore.ts'), import('../chat/Subscriptions.ts'), import('../platforms/channels.ts'), import('../logger.ts'), import('../render/Renderer.ts'),
    import('../platforms/registry.ts'),
  ]);
  const store = await openStore(settings.databaseUrl);
  try {
    const subs = new Subscriptions(store, Date.now);
    await subs.refresh();
    const kit = createChannels({
      env: settings.env, conversations: store, config: () => config, clock: Date.now, log: createLogger('silent'),
      renderer: Renderer.load(settings.env.VCC_NOTIFY_TEMPLATES ?? DEFAULT_TEMPLATES, TARGETS),
    });
    return await fn({ settings, config, store, kit, subs });
  } finally {
    await store.close();
  }
}

/** Reads a VCC webhook body from a file and turns it into the event the service would store. */
async function eventFromFile(path: string): Promise<StoredEvent> {
  const [{ parseVccBody }, { classifyChanges }] = await Promise.all([import('../vcc/user.ts'), import('../vcc/changes.ts')]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON'}`);
  }
  const parsed = parseVccBody(json);
  if (!parsed.ok) throw new CliError(`${path}: ${parsed.message}`);
  const changes = classifyChanges(parsed.event);
  return {
    id: 0, dedupKey: 'cli', receivedAt: Date.now(), vccTimestamp: parsed.event.timestamp, userId: parsed.event.new.userId ?? null,
    kinds: [...new Set(changes.map((c) => c.kind))], old: parsed.event.old, new: parsed.event.new, changes,
  };
}

function parseSince(s: string): number {
  const m = /^(\d+)([smhd])$/.exec(s);
  if (m) return Date.now() - Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new InvalidArgumentError('use a duration (30m, 24h, 7d) or an ISO date');
  return t;
}

/** The package's version, from its package.json (the same file from src/ and from dist/). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const program = new Command()
  .name('vcc-notify')
  .version(version(), '-V, --version', 'print the version and exit')
  .description('VCC Live user webhooks to Slack and Microsoft Teams. Every command reads the same environment as the service.')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

program.command('serve')
  .description('run the service: webhook endpoint and delivery worker')
  .action(async () => {
    const { startService } = await import('../service.ts');
    const settings = loadSettings();
    const svc = await startService({ settings });
    // Started by a supervisor with an IPC channel (tests, the bench): say so once listening.
    if (process.send) {
      process.send({ ready: true, port: svc.port });
      process.channel?.unref();
    }
    const shutdown = (signal: string) => {
      svc.log.info({ signal }, 'shutting down');
      // stop() keeps to SHUTDOWN_TIMEOUT_SECONDS; this is the backstop should closing the store hang.
      setTimeout(() => { svc.log.error('shutdown overran its limit; exiting'); svc.log.flush(); process.exit(1); },
        (settings.env.SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000).unref();
      svc.stop().then(() => process.exit(0), (e) => fail(e));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGHUP', () => svc.reload());
  });

program.command('check-config [file]')
  .description('validate the config file (default VCC_NOTIFY_CONFIG) and every template; exit 1 on problems')
  .action(async (file?: string) => {
    const [{ DEFAULT_TEMPLATES, Renderer }, { channelWarnings }, { TARGETS }] = await Promise.all([
      import('../render/Renderer.ts'), import('../platforms/channels.ts'), import('../platforms/registry.ts'),
    ]);
    const { settings, config } = settingsAndConfig(file);
    const templates = settings.env.VCC_NOTIFY_TEMPLATES ?? DEFAULT_TEMPLATES;
    Renderer.load(templates, TARGETS);
    const channels = Object.entries(config.channels).map(([n, c]) => `${n} (${c.type})`).join(', ');
    out(`OK ${config.origin}: ${Object.keys(config.channels).length} channels: ${channels}; ${config.routes.length} routes; templates in ${templates} are valid`);
    for (const w of channelWarnings(config, settings.env)) out(`warning: ${w}`);
  });

program.command('render')
  .description('print the exact body a channel would receive for a VCC body (what its adapter posts; the logged record for the console)')
  .requiredOption('--event <file>', 'a VCC webhook body (JSON)')
  .option('--channel <name>', 'a channel of the config (default: every channel whose routes match)')
  .option('--kind <kind>', 'show only this event kind')
  .action(async (o: { event: string; channel?: string; kind?: string }) => {
    const [{ DEFAULT_TEMPLATES, Renderer }, { kindNamed, KIND_NAMES_HELP }, { planDeliveries }, { TARGETS, chatChannel, payloadFor, platformOf }] = await Promise.all([
      import('../render/Renderer.ts'), import('../vcc/changes.ts'), import('../routing/route.ts'), import('../platforms/registry.ts'),
    ]);
    const { settings, config } = settingsAndConfig();
    const ev = await eventFromFile(o.event);
    const kind = o.kind === undefined ? null : kindNamed(o.kind);
    if (o.kind !== undefined && !kind) throw new CliError(`--kind: unknown kind "${o.kind}" (kinds: ${KIND_NAMES_HELP})`);
    const renderer = Renderer.load(settings.env.VCC_NOTIFY_TEMPLATES ?? DEFAULT_TEMPLATES, TARGETS);
    const planned = planDeliveries(ev.new, ev.changes, config.routes);
    const targets = o.channel ? [o.channel] : planned.map((p) => p.channel);
    if (targets.length === 0) throw new CliError('no route matches this event; name a channel with --channel');
    for (const name of targets) {
      const ch = config.channels[name] ?? chatChannel(name);
      if (!ch) throw new CliError(`--channel: unknown channel "${name}" (channels: ${Object.keys(config.channels).join(', ')})`);
      const p = planned.find((x) => x.channel === name);
      const kinds: EventKind[] = kind ? [kind] : p?.kinds ?? ev.kinds;
      const message = renderer.event(ev, { kinds, show: p?.show ?? [] }, platformOf(ch.type).target);
      const payload = payloadFor(ch, message);
      if (targets.length > 1) out(`# ${name} (${ch.type})`);
      out(typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2));
    }
  });

program.command('explain')
  .description('for every route (file and chat), whether it matches a VCC body and which condition decided')
  .requiredOption('--event <file>', 'a VCC webhook body (JSON)')
  .action(async (o: { event: string }) => {
    const { explainRoutes } = await import('../routing/route.ts');
    const ev = await eventFromFile(o.event);
    await withKit(async ({ config, subs }) => {
      const routes = [...config.routes, ...subs.routes()];
      out(`event kinds: ${ev.kinds.join(', ') || 'none (nothing changed)'}`);
      for (const x of explainRoutes(ev.new, ev.changes, routes)) {
        const r = routes[x.index]!;
        out(`${x.matched ? 'MATCH  ' : 'no     '} ${r.source === 'chat' ? 'chat' : `routes[${x.index}]`} -> ${x.channel}: ${x.reason}`);
      }
    });
  });

program.command('send-test')
  .description('send a sample notification to a channel now')
  .requiredOption('--channel <name>', 'a channel of the config, or a chat-made one (slack:C0123)')
  .action(async (o: { channel: string }) => {
    await withKit(async ({ kit }) => {
      const r = await kit.sendTest(o.channel);
      if (r.status !== 'sent') throw new CliError(`send-test ${o.channel}: ${r.reason}`);
      out(`sent a sample notification to ${o.channel}`);
    });
  });

program.command('deliveries')
  .description('list deliveries, newest first')
  .option('--status <status>', 'dead, pending or sent', (s) => {
    if (!['dead', 'pending', 'sent'].includes(s)) throw new InvalidArgumentError('use dead, pending or sent');
    return s;
  })
  .option('--channel <name>', 'only this channel')
  .option('--limit <n>', 'how many (default 50)', (s) => Number(s), 50)
  .option('--before <id>', 'only deliveries older than this one (the next page)', (s) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a delivery id');
    return n;
  })
  .action(async (o: { status?: DeliveryStatus; channel?: string; limit: number; before?: number }) => {
    await withKit(async ({ store }) => {
      const ds = await store.listDeliveries({ status: o.status, channel: o.channel, limit: o.limit, beforeId: o.before });
      if (ds.length === 0) return out('no deliveries');
      for (const d of ds) {
        out([`#${d.id}`, `event ${d.eventId}`, d.channel, d.status, `attempts ${d.attempts}`, new Date(d.updatedAt).toISOString(), d.lastError ?? ''].join('  ').trimEnd());
      }
      if (ds.length === o.limit) out(`(more: add --before ${ds[ds.length - 1]!.id})`);
    });
  });

program.command('replay')
  .description('re-queue dead deliveries; they are sent with the channel\'s current settings')
  .requiredOption('--dead', 'replay dead deliveries')
  .option('--channel <name>', 'only this channel')
  .option('--since <when>', 'only those that died since (30m, 24h, 7d, or an ISO date)', parseSince)
  .action(async (o: { channel?: string; since?: number }) => {
    await withKit(async ({ store }) => {
      const n = await store.replayDead({ channel: o.channel, since: o.since }, Date.now());
      out(`re-queued ${count(n, 'dead delivery', 'dead deliveries')}${o.channel ? ` of ${o.channel}` : ''}; a running service sends them within its poll interval`);
    });
  });

program.command('backup <file>')
  .description('copy the SQLite store to FILE, consistently, while the service runs (online backup)')
  .action(async (file: string) => {
    const { settings } = settingsAndConfig();
    const { backupSqlite } = await import('../store/sqliteBackup.ts');
    const r = await backupSqlite(settings.databaseUrl, file);
    out(`backed up ${r.events} events (${(r.bytes / 1024 / 1024).toFixed(1)} MiB) to ${file}; integrity check ok`);
  });

/** Errors reach the user as one line and a non-zero exit, never a stack trace. */
function fail(e: unknown): never {
  process.stderr.write(`vcc-notify: ${(e as Error).message}\n`);
  process.exit(e instanceof CliError ? e.exitCode : 1);
}

program.parseAsync(process.argv).catch((e) => fail(e));
