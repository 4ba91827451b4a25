import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadSettings } from '../config/settings.ts';
import type { EventKind } from '../vcc/changes.ts';
import type { RouteHours } from '../routing/route.ts';
import type { ThreadRoot } from '../store/Store.ts';
import { CliError, eventFromFile, out, settingsAndConfig, withContext } from './cliContext.ts';
import { addStoreCommands } from './storeCommands.ts';
import { addMuteCommands } from './muteCommands.ts';
import { addAuditCommand } from './auditCommand.ts';
import { addReviewsCommand } from './reviewsCommand.ts';
import { addCheckConfigCommand } from './checkConfigCommand.ts';
import { threadPlacement } from './threadPlacement.ts';
import { hoursPlacement, mutePlacement, reviewPlacement } from './explainHolds.ts';
import { hoursOf, routeHoursTest } from '../config/hoursSettings.ts';
import { PLATFORM_TITLES } from '../platforms/registry.ts';

// A .env file in the working directory is read first; variables already set win over it.
if (existsSync('.env')) process.loadEnvFile('.env');

// Each command imports what it uses when it runs (`await import(...)`), so `check-config` never
// loads the store, the HTTP stack or a platform SDK.

/** The package's version, from its package.json (the same file from src/ and from dist/). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}

const program = new Command()
  .name('vcc-notify')
  .version(version(), '-V, --version', 'print the version and exit')
  .description(`VCC Live user webhooks to ${PLATFORM_TITLES}. Every command reads the same environment as the service.`)
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

program
  .command('serve')
  .description('run the service: webhook endpoint and delivery worker')
  .action(async () => {
    const settings = loadSettings();
    // The store opens while the service's modules load (its writer thread boots meanwhile).
    const storeOpening = (await import('../storeOpening.ts')).openServiceStore({ settings });
    const { startService } = await import('../service.ts');
    const svc = await startService({ settings, storeOpening });
    // Started by a supervisor with an IPC channel (tests, the bench): say so once listening.
    if (process.send) {
      process.send({ ready: true, port: svc.port });
      process.channel?.unref();
    }
    const shutdown = (signal: string) => {
      svc.log.info({ signal }, 'shutting down');
      // stop() keeps to SHUTDOWN_TIMEOUT_SECONDS; this is the backstop should closing the store hang.
      setTimeout(
        () => {
          svc.log.error('shutdown overran its limit; exiting');
          svc.log.flush();
          process.exit(1);
        },
        (settings.env.SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000,
      ).unref();
      svc.stop().then(
        () => process.exit(0),
        (e) => fail(e),
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGHUP', () => svc.reload());
    // Every error source known has a handler of its own (store clients, timers, adapters);
    // a rejection that slips past them all is a bug to log, not a reason to stop delivering.
    process.on('unhandledRejection', (e) =>
      svc.log.error(
        { err: { message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack } },
        'unhandled rejection (a bug: please report it); the service keeps running',
      ),
    );
  });

addCheckConfigCommand(program);

program
  .command('render')
  .description(
    'print the exact body a channel would receive for a VCC body (what its adapter posts, or the record it logs)',
  )
  .requiredOption('--event <file>', 'a VCC webhook body (JSON)')
  .option('--channel <name>', 'a channel of the config (default: every channel whose routes match)')
  .option('--kind <kind>', 'show only this event kind')
  .action(async (o: { event: string; channel?: string; kind?: string }) => {
    const [
      { loadRenderer },
      { kindNamed, KIND_NAMES_HELP },
      { planDeliveries },
      { chatChannel, payloadFor },
      { placeNow, shapedMessages },
    ] = await Promise.all([
      import('../channels/Channels.ts'),
      import('../vcc/changes.ts'),
      import('../routing/route.ts'),
      import('../platforms/registry.ts'),
      import('../channels/threadedShape.ts'),
    ]);
    const { settings, config } = settingsAndConfig();
    const ev = await eventFromFile(o.event);
    const kind = o.kind === undefined ? null : kindNamed(o.kind);
    if (o.kind !== undefined && !kind)
      throw new CliError(`--kind: unknown kind "${o.kind}" (kinds: ${KIND_NAMES_HELP})`);
    const renderer = loadRenderer(settings.env.VCC_NOTIFY_TEMPLATES, () => config.labels);
    const planned = planDeliveries(ev.new, ev.changes, config.routes);
    const targets = o.channel ? [o.channel] : planned.map((p) => p.channel);
    if (targets.length === 0) throw new CliError('no route matches this event; name a channel with --channel');
    // A threaded channel's shape depends on the agent's thread as the store has it.
    const threaded = targets.filter((n) => config.threads[n]);
    const roots = threaded.length > 0 && ev.userId !== null ? await storedRoots(threaded, ev.userId) : new Map();
    for (const name of targets) {
      const ch = config.channels[name] ?? chatChannel(name);
      if (!ch)
        throw new CliError(
          `--channel: unknown channel "${name}" (channels: ${Object.keys(config.channels).join(', ')})`,
        );
      const p = planned.find((x) => x.channel === name);
      const kinds: EventKind[] = kind ? [kind] : (p?.kinds ?? ev.kinds);
      const place = placeNow(config.threads[name], ev.userId, roots.get(name), Date.now());
      const shaped = shapedMessages(renderer, ch, ev, { kinds, show: p?.show ?? [], mention: p?.mention ?? [] }, place);
      for (const { what, message } of shaped) {
        const payload = payloadFor(ch, message);
        if (targets.length > 1 || place.as !== 'message') out(`# ${name} (${ch.type}): ${what}`);
        out(typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2));
      }
    }
  });

/** The agent's thread roots in `channels`, from the store DATABASE_URL names (for render's threaded shape). */
async function storedRoots(channels: string[], userId: string): Promise<Map<string, ThreadRoot>> {
  const { openStore } = await import('../store/openStore.ts');
  const store = await openStore(loadSettings().env.DATABASE_URL, { writerThread: false });
  try {
    const roots = new Map<string, ThreadRoot>();
    for (const c of channels) {
      const r = (await store.threadRoots(c, [userId])).get(userId);
      if (r) roots.set(c, r);
    }
    return roots;
  } finally {
    await store.close();
  }
}

program
  .command('explain')
  .description('for every route (file and chat), whether it matches a VCC body and which condition decided')
  .requiredOption('--event <file>', 'a VCC webhook body (JSON)')
  .action(async (o: { event: string }) => {
    const [{ explainRoutes, planDeliveries }, { changeText }, { labelOf }, { USER_FIELDS }] = await Promise.all([
      import('../routing/route.ts'),
      import('../render/changeText.ts'),
      import('../render/labels.ts'),
      import('../vcc/user.ts'),
    ]);
    const ev = await eventFromFile(o.event);
    await withContext(async ({ config, subs, store }) => {
      const routes = [...config.routes, ...subs.routes()];
      out(`event kinds: ${ev.kinds.join(', ') || 'none (nothing changed)'}`);
      for (const c of ev.changes) out(`change: ${changeText(c, config.labels, { showWages: false })}`);
      // Conditions compare the codes VCC sends; their labels say what those codes mean.
      const labelled = USER_FIELDS.flatMap((f) => {
        const label = labelOf(config.labels, f, ev.new[f]);
        return label === null ? [] : [`${f} ${String(ev.new[f])} = ${label}`];
      });
      if (labelled.length) out(`labels: ${labelled.join(', ')}`);
      const matched = new Set<string>();
      for (const x of explainRoutes(ev.new, ev.changes, routes)) {
        const r = routes[x.index]!;
        if (x.matched) matched.add(x.channel);
        out(
          `${x.matched ? 'MATCH  ' : 'no     '} ${r.source === 'chat' ? 'chat' : `routes[${x.index}]`} -> ${x.channel}: ${x.reason}`,
        );
      }
      const threadsOf = (c: string) => config.threads[c] ?? subs.settingOf('thread', c);
      for (const line of await threadPlacement([...matched], ev.userId, threadsOf, store, Date.now())) out(line);
      const hoursFor = (c: string) => hoursOf(config, c, (w, ch) => subs.settingOf(w, ch));
      const planned = planDeliveries(ev.new, ev.changes, routes);
      const routeTest = (h: readonly RouteHours[]) => routeHoursTest(h, config.timeIntervals);
      for (const line of hoursPlacement(planned, ev.kinds, hoursFor, routeTest, Date.now())) out(line);
      for (const line of reviewPlacement(planned, (c) => config.reviews[c]?.reviewers)) out(line);
      const mutes = await store.listMutes({ activeAt: Date.now() });
      for (const line of mutePlacement([...matched], ev.kinds, ev.new, mutes, Date.now())) out(line);
    });
  });

program
  .command('send-test')
  .description('send a sample notification to a channel now (recorded in the audit log)')
  .requiredOption(
    '--channel <name>',
    'a channel of the config, or a chat-made one (PREFIX:ID, as `deliveries` lists it)',
  )
  .action(async (o: { channel: string }) => {
    await withContext(async ({ actions, actor }) => {
      const r = await actions.sendTest(actor, o.channel);
      if (!r.ok) throw new CliError(`send-test ${o.channel}: ${r.reason}`);
      out(`sent a sample notification to ${o.channel}`);
    });
  });

addStoreCommands(program);
addMuteCommands(program);
addAuditCommand(program);
addReviewsCommand(program);

program
  .command('backup <file>')
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
