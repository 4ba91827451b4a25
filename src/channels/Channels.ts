import { digestChunks } from '../render/digestChunks.ts';
import type { Logger } from 'pino';
import type { Env } from '../config/settings.ts';
import type { NotifyConfig } from '../config/NotifyConfig.ts';
import type { ConversationStore } from '../store/Store.ts';
import type { Route } from '../routing/route.ts';
import type { Renderer } from '../render/Renderer.ts';
import type { ChannelPlan, DueItem, Outgoing } from '../delivery/ChannelPlan.ts';
import { sampleEvent } from '../chat/sampleEvent.ts';
import type { Adapter, SendOutcome } from '../delivery/Adapter.ts';
import type { PlatformContext } from '../platforms/Platform.ts';
import { channelType, chatChannel, platformOf, type ChannelConfig } from '../platforms/registry.ts';

export interface ChannelsDeps {
  env: Env;
  conversations: ConversationStore;
  config: () => NotifyConfig;
  renderer: Renderer;
  clock: () => number;
  log: Logger;
  fetch?: typeof fetch;
}

/**
 * Channel names to sends, for the service and the CLI, through the platform registry: a
 * channel's settings (from the config in force, or a chat-made channel), its adapter, its
 * messages (one event alone, several as digests of the platform's size), a sample send.
 */
export function createChannels(deps: ChannelsDeps) {
  const { renderer, clock } = deps;
  const made = new Map<string, Promise<unknown>>();
  const ctx: PlatformContext = {
    env: deps.env, fetch: deps.fetch ?? fetch, clock, log: deps.log, conversations: deps.conversations,
    once: <T>(key: string, make: () => Promise<T>) => {
      if (!made.has(key)) made.set(key, make());
      return made.get(key) as Promise<T>;
    },
  };

  const channelConfig = (name: string): ChannelConfig | null => deps.config().channels[name] ?? chatChannel(name);
  /** The adapter for a channel, or a reason it cannot be used now. */
  const adapterFor = (ch: ChannelConfig): Promise<Adapter | string> => channelType(ch).adapter(ch, ctx);

  const messagesFor = (ch: ChannelConfig, items: DueItem[]): Outgoing[] => {
    const { target } = platformOf(ch.type);
    if (items.length === 1) {
      const [{ event, delivery }] = items as [DueItem];
      return [{ message: renderer.event(event, delivery, target), deliveryIds: [delivery.id] }];
    }
    return digestChunks(items, channelType(ch).digestPerMessage).map((chunk) => ({
      message: renderer.digest(chunk, target),
      deliveryIds: chunk.map((x) => x.delivery.id),
    }));
  };

  const plan = async (channel: string): Promise<ChannelPlan> => {
    const ch = channelConfig(channel);
    if (!ch) return { ok: false, reason: `channel "${channel}" is not in the config in force` };
    const adapter = await adapterFor(ch);
    if (typeof adapter === 'string') return { ok: false, reason: adapter };
    return { ok: true, adapter, limits: channelType(ch).limits, messages: (items) => messagesFor(ch, items) };
  };

  /** Sends the sample notification to a channel now. */
  const sendTest = async (name: string): Promise<SendOutcome> => {
    const ch = channelConfig(name);
    if (!ch) return { status: 'permanent', reason: `unknown channel "${name}"` };
    const adapter = await adapterFor(ch);
    if (typeof adapter === 'string') return { status: 'permanent', reason: adapter };
    const ev = sampleEvent(clock());
    return adapter.send(renderer.event(ev, { kinds: ev.kinds, show: [] }, platformOf(ch.type).target));
  };

  /**
   * Makes ready what the first send to each channel type in `names` needs: its SDK loaded and
   * its client made (through the adapter), the templates of its target run once, its payload
   * built once. Nothing for types no name uses; a channel that cannot send is skipped.
   * Resolves with the types warmed.
   */
  const warm = async (names: Iterable<string>): Promise<string[]> => {
    const seen = new Set<string>();
    for (const name of names) {
      const ch = channelConfig(name);
      if (!ch || seen.has(ch.type)) continue;
      seen.add(ch.type);
      const ev = sampleEvent(clock());
      channelType(ch).payload(ch, renderer.event(ev, { kinds: ev.kinds, show: [] }, platformOf(ch.type).target));
      await adapterFor(ch).catch(() => {});
    }
    return [...seen];
  };

  /** File routes whose channel is the same place as the chat-made channel `chatName` (`slack:C0123`). */
  const fileRoutesFor = (chatName: string): Array<{ name: string; route: Route }> => {
    const config = deps.config();
    // Compared field by field in a fixed order: the file may list `channel:` before `type:`.
    const key = (ch: object | null | undefined) => (ch ? JSON.stringify(Object.entries(ch).sort(([a], [b]) => a.localeCompare(b))) : null);
    const same = key(chatChannel(chatName));
    return config.routes
      .filter((r) => same !== null && key(config.channels[r.channel]) === same)
      .map((route) => ({ name: route.channel, route }));
  };

  return { context: ctx, channelConfig, adapterFor, messagesFor, plan, sendTest, fileRoutesFor, warm };
}

export type Channels = ReturnType<typeof createChannels>;

/**
 * Channels that cannot send with the environment given (a missing token): not an error in
 * the file, but every delivery to them would go dead. Shown by check-config and logged at start.
 */
export function channelWarnings(config: NotifyConfig, env: Env): string[] {
  return Object.entries(config.channels).flatMap(([name, ch]) => {
    const why = channelType(ch).warning?.(env);
    return why ? [`channels.${name}: ${why}`] : [];
  });
}
