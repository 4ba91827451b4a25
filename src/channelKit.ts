import type { Logger } from 'pino';
import { teamsBotEnabled, type Settings } from './config/settings.ts';
import type { ChannelConfig, NotifyConfig } from './config/NotifyConfig.ts';
import type { Store } from './store/Store.ts';
import type { Route } from './routing/route.ts';
import type { Renderer } from './render/Renderer.ts';
import type { Adapter, SendOutcome } from './adapters/Adapter.ts';
import { consoleAdapter } from './adapters/console.ts';
import { slackWebhookAdapter } from './adapters/slackWebhook.ts';
import { teamsWorkflowAdapter } from './adapters/teamsWorkflow.ts';
import type { TeamsRuntime } from './teams/runtime.ts';
import { CHANNEL_LIMITS, DIGEST_PER_MESSAGE, TARGET_OF } from './delivery/limits.ts';
import type { ChannelPlan, DueItem, Outgoing } from './delivery/DeliveryWorker.ts';
import { Subscriptions } from './chat/Subscriptions.ts';
import { sampleEvent } from './chat/sampleEvent.ts';

export interface ChannelKitDeps {
  settings: Settings;
  store: Store;
  config: () => NotifyConfig;
  clock: () => number;
  log: Logger;
  renderer: Renderer;
  fetch?: typeof fetch;
}

/**
 * Everything that turns a channel name into sends, shared by the service and the CLI:
 * the channel's settings (read from the config in force, or a chat-made channel), its
 * adapter, rendering, and a sample send. Platform SDKs are loaded on first use: the Slack
 * Web API client when a `slack` channel first sends, botbuilder only when the Teams bot is
 * enabled (`teamsBotEnabled`).
 */
export function createChannelKit(deps: ChannelKitDeps) {
  const { settings, store, clock } = deps;
  const env = settings.env;
  const { renderer } = deps;
  const consoleOut = consoleAdapter(deps.log);
  const fetcher = deps.fetch ?? fetch;
  let slack: Promise<(channel: string) => Adapter> | null = null;
  const slackChannel = (channel: string) => {
    slack ??= import('./adapters/slack.ts').then(({ slackAdapter, slackClient }) => {
      const client = slackClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL);
      return (id: string) => slackAdapter(client, id);
    });
    return slack.then((make) => make(channel));
  };
  let teams: Promise<TeamsRuntime> | null = null;
  /** The Teams runtime (botbuilder), loaded once; null when the Teams bot is not enabled. */
  const teamsRuntime = (): Promise<TeamsRuntime> | null => {
    if (!teamsBotEnabled(env)) return null;
    teams ??= import('./teams/runtime.ts').then(({ createTeamsRuntime }) => createTeamsRuntime(env, deps.log));
    return teams;
  };

  const channelConfig = (name: string): ChannelConfig | null => deps.config().channels[name] ?? Subscriptions.channelConfig(name);

  /** The adapter for a channel, or a reason it cannot be used now. */
  const adapterFor = async (ch: ChannelConfig): Promise<Adapter | string> => {
    switch (ch.type) {
      case 'console': return consoleOut;
      case 'slack': return env.SLACK_BOT_TOKEN ? slackChannel(ch.channel) : 'SLACK_BOT_TOKEN is not set';
      case 'slack-webhook': return slackWebhookAdapter(ch.url, fetcher, clock);
      case 'teams-workflow': return teamsWorkflowAdapter(ch.url, fetcher, clock);
      case 'teams': {
        const runtime = teamsRuntime();
        if (!runtime) return 'the Teams bot is not enabled: set MicrosoftAppId (or TEAMS_BOT_NO_AUTH=true on a local machine)';
        const conv = await store.getConversation(ch.conversation);
        return conv ? (await runtime).adapter(conv.reference)
          : `no Teams conversation reference for ${ch.conversation}: add the bot to that channel, then replay`;
      }
    }
  };

  /** One event alone, several as digests split to the target's size. */
  const messagesFor = (ch: ChannelConfig, items: DueItem[]): Outgoing[] => {
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
  };

  const plan = async (channel: string): Promise<ChannelPlan> => {
    const ch = channelConfig(channel);
    if (!ch) return { ok: false, reason: `channel "${channel}" is not in the config in force` };
    const adapter = await adapterFor(ch);
    if (typeof adapter === 'string') return { ok: false, reason: adapter };
    return { ok: true, adapter, limits: CHANNEL_LIMITS[ch.type], messages: (items) => messagesFor(ch, items) };
  };

  /** Sends the sample notification to a channel now. */
  const sendTest = async (name: string): Promise<SendOutcome> => {
    const ch = channelConfig(name);
    if (!ch) return { status: 'permanent', reason: `unknown channel "${name}"` };
    const adapter = await adapterFor(ch);
    if (typeof adapter === 'string') return { status: 'permanent', reason: adapter };
    const ev = sampleEvent(clock());
    return adapter.send(renderer.event(ev, { kinds: ev.kinds, show: [] }, TARGET_OF[ch.type]));
  };

  /** File routes whose channel posts to the same Slack channel or Teams conversation. */
  const fileRoutesFor = (type: 'slack' | 'teams', id: string): Array<{ name: string; route: Route }> => {
    const config = deps.config();
    return config.routes
      .filter((r) => {
        const ch = config.channels[r.channel];
        return (type === 'slack' && ch?.type === 'slack' && ch.channel === id) || (type === 'teams' && ch?.type === 'teams' && ch.conversation === id);
      })
      .map((route) => ({ name: route.channel, route }));
  };

  return { renderer, teamsRuntime, channelConfig, adapterFor, messagesFor, plan, sendTest, fileRoutesFor };
}

export type ChannelKit = ReturnType<typeof createChannelKit>;
