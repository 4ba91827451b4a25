import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { createApp } from './http/app.ts';
import { createLogger } from './logger.ts';
import type { Settings } from './config/settings.ts';
import type { NotifyConfig } from './config/NotifyConfig.ts';
import { openStore } from './store/openStore.ts';
import type { SqliteOptions } from './store/sqlite.ts';
import type { Store } from './store/Store.ts';
import { createBodyCipher } from './vcc/decrypt.ts';
import { DeliveryWorker, type ChannelPlan, type RetryPolicy } from './delivery/DeliveryWorker.ts';
import { consoleAdapter } from './adapters/console.ts';
import { slackAdapter, slackClient } from './adapters/slack.ts';
import { slackWebhookAdapter } from './adapters/slackWebhook.ts';
import { teamsWorkflowAdapter } from './adapters/teamsWorkflow.ts';
import type { Adapter } from './adapters/Adapter.ts';
import { Renderer } from './render/Renderer.ts';
import { loadConfig } from './config/loadConfig.ts';
import { CHANNEL_LIMITS, DIGEST_PER_MESSAGE, TARGET_OF } from './delivery/limits.ts';
import type { DueItem, Outgoing } from './delivery/DeliveryWorker.ts';
import type { ChannelConfig } from './config/NotifyConfig.ts';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { teamsAdapter } from './adapters/teams.ts';
import { botFrameworkHandler } from './teams/koaBridge.ts';
import { teamsBotLogic } from './teams/bot.ts';
import { Subscriptions } from './chat/Subscriptions.ts';
import { sampleEvent } from './chat/sampleEvent.ts';
import { createSlackCommands } from './slack/slackCommands.ts';
import type { SendOutcome } from './adapters/Adapter.ts';
import type { Route } from './routing/route.ts';

export interface ServiceOptions {
  settings: Settings;
  clock?: () => number;
  random?: () => number;
  logDestination?: DestinationStream;
  sqlite?: SqliteOptions;
  /** Where the console channel prints (stdout by default). */
  consoleWrite?: (text: string) => void;
  retry?: RetryPolicy;
  pollMs?: number;
  /** Start the delivery worker (default true). */
  worker?: boolean;
  /** Templates folder (default: templates/ of this package). */
  templatesDir?: string;
  /** HTTP client for webhook targets (tests may observe it; defaults to global fetch). */
  fetch?: typeof fetch;
}

export const DEFAULT_TEMPLATES = new URL('../templates/', import.meta.url).pathname;

/** Builds the messages for a channel's due items: one event alone, several as digests. */
export function messagesFor(renderer: Renderer, ch: ChannelConfig, items: DueItem[]): Outgoing[] {
  const target = TARGET_OF[ch.type];
  if (items.length === 1) {
    const [{ event, delivery }] = items as [DueItem];
    return [{ message: renderer.event(event, delivery, target), deliveryIds: [delivery.id] }];
  }
  const per = DIGEST_PER_MESSAGE[target];
  return renderer.digest(items, target, per).map((message, i) => ({
    message,
    deliveryIds: items.slice(i * per, (i + 1) * per).map((x) => x.delivery.id),
  }));
}

export interface RunningService {
  url: string;
  port: number;
  store: Store;
  worker: DeliveryWorker;
  log: Logger;
  config: () => NotifyConfig;
  /** Re-reads the config file; a bad file is refused (logged) and the old one stays. */
  reload(): boolean;
  /** Graceful: stop taking requests, finish sends in flight, close the store. */
  stop(): Promise<void>;
}

/** The composition root: opens the store, builds the HTTP app and the worker, listens. */
export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const { settings } = opts;
  const clock = opts.clock ?? Date.now;
  const log = createLogger(settings.logLevel, opts.logDestination);
  const cipher = settings.encryption ? createBodyCipher(settings.encryption.cipher, settings.encryption.key) : null;
  const store = await openStore(settings.databaseUrl, opts.sqlite);
  const readConfig = () => loadConfig(settings.configPath, settings.source, { isDefaultPath: !settings.configExplicit });
  let config: NotifyConfig = readConfig();
  const renderer = Renderer.load(opts.templatesDir ?? DEFAULT_TEMPLATES);
  const consoleOut = consoleAdapter(opts.consoleWrite);
  const slack = slackClient(settings.env.SLACK_BOT_TOKEN, settings.env.SLACK_API_URL);
  const fetcher = opts.fetch ?? fetch;

  const env = settings.env;
  const cloud = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: env.MicrosoftAppId ?? '',
    MicrosoftAppPassword: env.MicrosoftAppPassword ?? '',
    MicrosoftAppType: env.MicrosoftAppType ?? (env.MicrosoftAppId ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: env.MicrosoftAppTenantId ?? '',
  }));
  cloud.onTurnError = async (_ctx, e) => {
    log.error({ err: { message: (e as Error).message } }, 'Teams bot turn failed');
  };

  const adapterFor = async (ch: ChannelConfig): Promise<Adapter | string> => {
    switch (ch.type) {
      case 'console': return consoleOut;
      case 'slack': return settings.env.SLACK_BOT_TOKEN ? slackAdapter(slack, ch.channel) : 'SLACK_BOT_TOKEN is not set';
      case 'slack-webhook': return slackWebhookAdapter(ch.url, fetcher, clock);
      case 'teams-workflow': return teamsWorkflowAdapter(ch.url, fetcher, clock);
      case 'teams': {
        const conv = await store.getConversation(ch.conversation);
        return conv ? teamsAdapter(cloud, env.MicrosoftAppId, conv.reference)
          : `no Teams conversation reference for ${ch.conversation}: add the bot to that channel, then replay`;
      }
    }
  };
  const subscriptions = new Subscriptions(store, clock);
  await subscriptions.refresh();
  const channelConfig = (name: string): ChannelConfig | null => config.channels[name] ?? Subscriptions.channelConfig(name);
  /** File routes whose channel posts to the same Slack channel or Teams conversation. */
  const fileRoutesFor = (type: 'slack' | 'teams', id: string): Array<{ name: string; route: Route }> =>
    config.routes
      .filter((r) => {
        const ch = config.channels[r.channel];
        return (type === 'slack' && ch?.type === 'slack' && ch.channel === id) || (type === 'teams' && ch?.type === 'teams' && ch.conversation === id);
      })
      .map((route) => ({ name: route.channel, route }));
  const sendTest = async (name: string): Promise<SendOutcome> => {
    const ch = channelConfig(name);
    if (!ch) return { status: 'permanent', reason: `unknown channel "${name}"` };
    const adapter = await adapterFor(ch);
    if (typeof adapter === 'string') return { status: 'permanent', reason: adapter };
    const ev = sampleEvent(clock());
    return adapter.send(renderer.event(ev, { kinds: ev.kinds, show: [] }, TARGET_OF[ch.type]));
  };

  const plan = async (channel: string): Promise<ChannelPlan> => {
    const ch = channelConfig(channel);
    if (!ch) return { ok: false, reason: `channel "${channel}" is not in the config in force` };
    const adapter = await adapterFor(ch);
    if (typeof adapter === 'string') return { ok: false, reason: adapter };
    return { ok: true, adapter, limits: CHANNEL_LIMITS[ch.type], messages: (items) => messagesFor(renderer, ch, items) };
  };
  const worker = new DeliveryWorker({
    store, plan, clock, random: opts.random ?? Math.random, log, retry: opts.retry, pollMs: opts.pollMs,
  });

  const slackCommands = env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN
    ? createSlackCommands({
      signingSecret: env.SLACK_SIGNING_SECRET ?? '', appToken: env.SLACK_APP_TOKEN, botToken: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL,
      commandUsers: env.SLACK_COMMAND_USERS, subscriptions, fileRoutesFor: (id) => fileRoutesFor('slack', id), sendTest, log, clock,
    })
    : null;
  const app = createApp({
    store,
    log,
    secret: settings.webhookSecret,
    cipher,
    maxBodyBytes: settings.maxBodyBytes,
    routes: () => [...config.routes, ...subscriptions.routes()],
    clock,
    onAccepted: (_id, channels) => worker.wake(channels),
    mount: (router) => {
      router.post('/api/messages', botFrameworkHandler(cloud, teamsBotLogic({
        store, log, clock, subscriptions, commandUsers: env.TEAMS_COMMAND_USERS,
        fileRoutesFor: (id) => fileRoutesFor('teams', id), sendTest,
      })));
      if (slackCommands?.handler) {
        router.post('/slack/events', slackCommands.handler);
      } else {
        router.post('/slack/events', (ctx) => {
          ctx.status = 501;
          ctx.body = { error: { code: 'slack_not_configured', message: 'set SLACK_SIGNING_SECRET to take Slack commands' } };
        });
      }
    },
  });
  const server: Server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  if (settings.localOnly) {
    log.warn({ host: settings.host, port }, 'VCC_WEBHOOK_SECRET is not set: listening on 127.0.0.1 only, webhook open without a secret');
  }
  log.info({ host: settings.host, port, store: store.kind, config: config.origin }, 'vcc-notify listening');
  if (opts.worker !== false) worker.start();
  if (slackCommands) {
    await slackCommands.start().catch((e) => log.error({ err: { message: (e as Error).message } }, 'Slack Socket Mode did not connect'));
  }

  let stopping: Promise<void> | null = null;
  return {
    url: `http://${settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${port}`,
    port,
    store,
    worker,
    log,
    config: () => config,
    reload() {
      try {
        config = readConfig();
        log.info({ config: config.origin, channels: Object.keys(config.channels).length, routes: config.routes.length }, 'config reloaded');
        worker.wake();
        return true;
      } catch (e) {
        log.error({ err: { message: (e as Error).message } }, 'config reload refused; the previous config stays in force');
        return false;
      }
    },
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await slackCommands?.stop().catch(() => {});
        await worker.stop();
        await store.close();
        log.info('vcc-notify stopped');
        log.flush();
      })();
      return stopping;
    },
  };
}
