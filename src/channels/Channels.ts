import { digestChunks } from '../render/digestChunks.ts';
import type { Logger } from 'pino';
import type { Env } from '../config/settings.ts';
import type { NotifyConfig } from '../config/NotifyConfig.ts';
import { hoursOf, routeHoursTest } from '../config/hoursSettings.ts';
import type { ChatSetting, ChatSettings, ConversationStore, Delivery, StoredEvent } from '../store/Store.ts';
import type { Route } from '../routing/route.ts';
import { DEFAULT_TEMPLATES, Renderer } from '../render/Renderer.ts';
import type { Labels } from '../render/labels.ts';
import type { Message } from '../render/Message.ts';
import type {
  ChannelReviews,
  ChannelSender,
  DueItem,
  Outgoing,
  ThreadedChannel,
  ThreadSettings,
} from '../delivery/ChannelSender.ts';
import { changeText } from '../render/changeText.ts';
import { reviewSettingsOf } from '../config/reviewSettings.ts';
import { sampleEvent } from '../chat/sampleEvent.ts';
import type { Adapter, SendOutcome } from '../delivery/Adapter.ts';
import { onceByKey, type PlatformContext } from '../platforms/Platform.ts';
import {
  channelType,
  chatChannel,
  decisionOf,
  platformOf,
  TARGETS,
  type ChannelConfig,
} from '../platforms/registry.ts';

/** What of a delivery shapes its message: the kinds shown, the hidden values shown, the mentions. */
type RenderedDelivery = Pick<Delivery, 'kinds' | 'show'> & Partial<Pick<Delivery, 'mention'>>;

/**
 * The one place templates are loaded: `dir` (VCC_NOTIFY_TEMPLATES) or the package's own, for
 * every platform's target, with the config's labels. Throws TemplateError naming the file.
 */
export function loadRenderer(dir: string | undefined, labels?: () => Labels): Renderer {
  return Renderer.load(dir ?? DEFAULT_TEMPLATES, TARGETS, labels);
}

/** The one way to render an event for a channel: the neutral Message in the channel's target's templates. */
export function messageFor(
  renderer: Renderer,
  ch: ChannelConfig,
  event: StoredEvent,
  delivery: RenderedDelivery,
): Message {
  return renderer.event(event, delivery, platformOf(ch.type).target);
}

export interface ChannelsDeps {
  env: Env;
  conversations: ConversationStore;
  config: () => NotifyConfig;
  renderer: Renderer;
  clock: () => number;
  log: Logger;
  fetch?: typeof fetch;
  /** The address people reach the service at (PUBLIC_URL): review requests link to the admin page. */
  publicUrl?: string | undefined;
  /** A chat-made channel's settings (`/vcc thread agent`, `/vcc hours ...`), if it has them. */
  chatSetting?: <K extends ChatSetting>(what: K, channel: string) => ChatSettings[K] | undefined;
}

/**
 * Channel names to sends, for the service and the CLI, through the platform registry: a
 * channel's settings (from the config in force, or a chat-made channel), its adapter, its
 * messages (one event alone, several as digests of the platform's size), a sample send.
 */
export function createChannels(deps: ChannelsDeps) {
  const { renderer, clock } = deps;
  const ctx = platformContext(deps);

  const channelConfig = (name: string): ChannelConfig | null => deps.config().channels[name] ?? chatChannel(name);
  /** The adapter for a channel, or a reason it cannot be used now. */
  const adapterFor = (ch: ChannelConfig): Promise<Adapter | string> => channelType(ch).adapter(ch, ctx);

  const messagesFor = (ch: ChannelConfig, items: DueItem[]) => messagesOf(renderer, ch, items);

  const senderFor = async (channel: string): Promise<ChannelSender> => {
    const ch = channelConfig(channel);
    if (!ch) return { ok: false, reason: `channel "${channel}" is not in the config in force` };
    const adapter = await adapterFor(ch);
    if (typeof adapter === 'string') return { ok: false, reason: adapter };
    return readySender(deps, ch, channel, adapter);
  };

  /** The sample notification (`/vcc test`, `send-test`) as a channel would get it. */
  const sample = (ch: ChannelConfig): Message => {
    const ev = sampleEvent(clock());
    return messageFor(renderer, ch, ev, { kinds: ev.kinds, show: [] });
  };

  /** Sends the sample notification to a channel now. */
  const sendTest = async (name: string): Promise<SendOutcome> => {
    const ch = channelConfig(name);
    if (!ch) return { status: 'permanent', reason: `unknown channel "${name}"` };
    const adapter = await adapterFor(ch);
    if (typeof adapter === 'string') return { status: 'permanent', reason: adapter };
    return adapter.send(sample(ch));
  };

  /**
   * Makes ready what the first send to each channel type in `names` needs: Node's fetch and its
   * SDK loaded, its client made (through the adapter), the templates of its target run once,
   * its payload built once. Nothing for types no name uses; a channel that cannot send is skipped.
   * Resolves with the types warmed.
   */
  const warm = async (names: Iterable<string>): Promise<string[]> => {
    const seen = new Set<string>();
    for (const name of names) {
      const ch = channelConfig(name);
      if (!ch || seen.has(ch.type)) continue;
      seen.add(ch.type);
      const type = channelType(ch);
      type.payload(ch, sample(ch));
      // Reading a fetch class makes Node load its fetch implementation (undici).
      if (type.sendsWithFetch(ctx.env)) void globalThis.Response;
      await adapterFor(ch).catch(() => {});
    }
    return [...seen];
  };

  const fileRoutesFor = (chatName: string) => fileRoutesOf(deps.config(), chatName);

  return { context: ctx, channelConfig, adapterFor, messagesFor, senderFor, sendTest, fileRoutesFor, warm };
}

export type Channels = ReturnType<typeof createChannels>;

/** What platforms get to send with; `once` keeps one lazily made value per key (a loaded SDK). */
function platformContext(deps: ChannelsDeps): PlatformContext {
  return {
    env: deps.env,
    fetch: deps.fetch ?? fetch,
    clock: deps.clock,
    log: deps.log,
    conversations: deps.conversations,
    once: onceByKey(),
  };
}

/** What a channel sends for due items: one event alone, several as digests of the platform's size. */
function messagesOf(renderer: Renderer, ch: ChannelConfig, items: DueItem[]): Outgoing[] {
  if (items.length === 1) {
    const [{ event, delivery }] = items as [DueItem];
    return [{ message: messageFor(renderer, ch, event, delivery), deliveryIds: [delivery.id] }];
  }
  return digestChunks(items, channelType(ch).digestPerMessage).map((chunk) => ({
    message: renderer.digest(chunk, platformOf(ch.type).target),
    deliveryIds: chunk.map((x) => x.delivery.id),
  }));
}

/** A channel that can send: its adapter, limits, messages, threads and hours as the config in force says. */
function readySender(deps: ChannelsDeps, ch: ChannelConfig, channel: string, adapter: Adapter): ChannelSender {
  const { renderer } = deps;
  // One read of the config in force: a reload in between cannot mix two of them in one sender.
  const config = deps.config();
  const thread = threadedChannel(renderer, ch, config.threads[channel] ?? deps.chatSetting?.('thread', channel));
  return {
    ok: true,
    adapter,
    limits: channelType(ch).limits,
    messages: (items) => messagesOf(renderer, ch, items),
    ...(thread && { thread }),
    hours: {
      channel: hoursOf(config, channel, deps.chatSetting),
      routes: (h) => routeHoursTest(h, config.timeIntervals),
    },
    away: (items: DueItem[]) => awayOf(renderer, ch, items),
    ...channelReviews(config, channel, deps),
  };
}

/** A channel's reviews as the worker uses them (the file's, or a chat-made channel's), when it has reviewers. */
function channelReviews(config: NotifyConfig, channel: string, deps: ChannelsDeps): { review?: ChannelReviews } {
  const rv = reviewSettingsOf(config, channel, (c) => deps.chatSetting?.('reviewers', c)?.reviewers);
  if (!rv) return {};
  const base = deps.publicUrl?.replace(/\/+$/, '');
  return {
    review: {
      reviewers: rv.reviewers,
      remindAfterMs: rv.remindAfterMs,
      what: (i) => i.event.changes.map((c) => changeText(c, config.labels, { showWages: false })),
      openUrl: (id) => (base ? `${base}/admin/events/${id}` : null),
      ...(base && byLink(config, channel) && { reviewUrl: (id: number) => `${base}/admin/reviews/${id}` }),
    },
  };
}

/** Whether a channel's reviewers decide on the admin page by link (its type cannot send a click back). */
const byLink = (config: NotifyConfig, channel: string) => {
  const ch = config.channels[channel];
  return ch !== undefined && decisionOf(ch.type)?.by === 'link';
};

/** A channel's threads, when it has `thread:` and its type can thread. */
function threadedChannel(
  renderer: Renderer,
  ch: ChannelConfig,
  settings: ThreadSettings | undefined,
): ThreadedChannel | undefined {
  const can = channelType(ch).threads;
  if (!settings || !can) return undefined;
  const target = platformOf(ch.type).target;
  return {
    settings,
    ...can,
    root: (items, changes) => renderer.root(items, changes, target),
    pointer: (reply) => ({ ...reply, summary: 'Details in the thread.', facts: [], lines: [], mentions: [] }),
  };
}

/**
 * What waited out a channel's quiet hours: one summary titled "While you were away", in as
 * many messages as the platform's size needs (each then says which part it is).
 */
function awayOf(renderer: Renderer, ch: ChannelConfig, items: DueItem[]): Outgoing[] {
  const chunks = digestChunks(items, channelType(ch).digestPerMessage);
  return chunks.map((chunk, i) => ({
    message: renderer.digest(chunk, platformOf(ch.type).target, true, {
      part: i + 1,
      parts: chunks.length,
      total: items.length,
    }),
    deliveryIds: chunk.map((x) => x.delivery.id),
  }));
}

/** File routes whose channel is the same place as the chat-made channel `chatName` (`PREFIX:ID`). */
function fileRoutesOf(config: NotifyConfig, chatName: string): Array<{ name: string; route: Route }> {
  // Compared field by field in a fixed order: the file may list `channel:` before `type:`.
  const key = (ch: object | null | undefined) =>
    ch ? JSON.stringify(Object.entries(ch).sort(([a], [b]) => a.localeCompare(b))) : null;
  const same = key(chatChannel(chatName));
  return config.routes
    .filter((r) => same !== null && key(config.channels[r.channel]) === same)
    .map((route) => ({ name: route.channel, route }));
}

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
