import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { loadSettings, SettingsError, type Settings } from '../config/settings.ts';
import { withReferences } from '../config/referenceLinks.ts';
import { ConfigError, loadConfig } from '../config/loadConfig.ts';
import { linkReviewProblems } from '../config/adminSignIn.ts';
import type { NotifyConfig } from '../config/NotifyConfig.ts';
import type { StoreReads, StoredEvent } from '../store/Store.ts';
import type { Actions } from '../actions/Actions.ts';
import { cliActor, type Actor } from '../actions/Actor.ts';
import { userInfo } from 'node:os';
import type { Channels } from '../channels/Channels.ts';
import type { Subscriptions } from '../chat/Subscriptions.ts';

// What the CLI's commands share: one-line errors, output, settings and the store.

/** A failure to report as one line on stderr with this exit code (no stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

/**
 * The settings and the config file, as the service reads them; an error names each problem
 * with the section of docs/configuration-reference.md that describes the setting.
 */
export function settingsAndConfig(file?: string): { settings: Settings; config: NotifyConfig } {
  try {
    const settings = loadSettings(file ? { ...process.env, VCC_NOTIFY_CONFIG: file } : process.env);
    const config = loadConfig(settings.configPath, settings.source, { isDefaultPath: !settings.configExplicit });
    const problems = linkReviewProblems(config, settings.env);
    if (problems.length) throw new ConfigError(`${config.origin}:\n  ${problems.join('\n  ')}`);
    return { settings, config };
  } catch (e) {
    if (e instanceof ConfigError || e instanceof SettingsError) throw new CliError(withReferences(e.message));
    throw e;
  }
}

/** Opens the service's store and the pieces that send, as the service would build them. */
export async function withContext<T>(
  fn: (ctx: {
    settings: Settings;
    config: NotifyConfig;
    /** Reads only: a change is an action (`actions`, as `actor`), recorded in the audit log. */
    store: StoreReads;
    channels: Channels;
    subs: Subscriptions;
    actions: Actions;
    actor: Actor;
  }) => Promise<T>,
  file?: string,
): Promise<T> {
  const { settings, config } = settingsAndConfig(file);
  const [{ openStore }, { Subscriptions }, { createChannels, loadRenderer }, { createLogger }, { actionsFor }] =
    await Promise.all([
      import('../store/openStore.ts'),
      import('../chat/Subscriptions.ts'),
      import('../channels/Channels.ts'),
      import('../logger.ts'),
      import('../actionsFor.ts'),
    ]);
  const store = await openStore(settings.databaseUrl);
  try {
    const subs = new Subscriptions(store, Date.now);
    await subs.refresh();
    const channels = createChannels({
      env: settings.env,
      conversations: store,
      config: () => config,
      clock: Date.now,
      log: createLogger('silent'),
      renderer: loadRenderer(settings.env.VCC_NOTIFY_TEMPLATES, () => config.labels),
      chatSetting: (what, channel) => subs.settingOf(what, channel),
    });
    const { actions } = actionsFor({
      store,
      clock: Date.now,
      config: () => config,
      subscriptions: subs,
      channels,
      routes: () => [...config.routes, ...subs.routes()],
      maxSubscriptions: settings.env.CHAT_MAX_SUBSCRIPTIONS,
      wake: () => {},
      log: createLogger('silent'),
    });
    return await fn({ settings, config, store, channels, subs, actions, actor: cliActor(osUser()) });
  } finally {
    await store.close();
  }
}

/** Reads a VCC webhook body from a file and turns it into the event the service would store. */
export async function eventFromFile(path: string): Promise<StoredEvent> {
  const { acceptVccBody } = await import('../vcc/acceptVccBody.ts');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(
      `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON'}`,
    );
  }
  const accepted = acceptVccBody(json, Date.now());
  if (!accepted.ok) throw new CliError(`${path}: ${accepted.message}`);
  return { id: 0, ...accepted.event };
}

export function parseSince(s: string): number {
  const m = /^(\d+)([smhd])$/.exec(s);
  if (m) return Date.now() - Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new InvalidArgumentError('use a duration (30m, 24h, 7d) or an ISO date');
  return t;
}

/** The OS user running the CLI (what its audit entries name), or `unknown` where the system has none. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
