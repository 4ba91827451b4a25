import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Struct } from 'superstruct';
import type { Env } from '../config/settings.ts';
import type { Message } from '../render/Message.ts';
import type { RateWindow } from '../delivery/RateLimiter.ts';
import type { Mention, Route } from '../routing/route.ts';
import type { ConversationStore } from '../store/Store.ts';
import type { Subscriptions } from '../chat/Subscriptions.ts';
import type { Adapter, SendOutcome } from './Adapter.ts';

/** What platforms get from the service to send with: settings and I/O, injected. */
export interface PlatformContext {
  env: Env;
  fetch: typeof fetch;
  clock: () => number;
  log: Logger;
  conversations: ConversationStore;
  /**
   * One value per key for the life of the service, made on first use: how a platform shares
   * a lazily loaded SDK between its adapter and its inbound bridge (`teams.runtime`).
   */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
}

/** One kind of channel a platform offers (`slack`, `slack-webhook`, ...). */
export interface ChannelType<C extends { type: string }> {
  /** The channel's entry in the config file (validated with superstruct). */
  schema: Struct<C, unknown>;
  /**
   * Sends per time window the worker keeps to for one channel of this type, so it does not
   * draw a 429; the vendor's documentation is linked beside each in the platform's module.
   */
  limits: readonly RateWindow[];
  /** Events per digest message, so a digest stays within the platform's message size. */
  digestPerMessage: number;
  /**
   * The exact body a channel of this type receives for a neutral Message: the adapter posts
   * it, and `vcc-notify render` and the admin preview show it. Escapes for the platform.
   */
  payload(channel: C, m: Message): unknown;
  /** The adapter for one channel (send + classify only), or the reason it cannot send now. */
  adapter(channel: C, ctx: PlatformContext): Promise<Adapter | string>;
  /** Why the environment cannot serve this channel type (a missing token), if it cannot. */
  warning?(env: Env): string | null;
  /**
   * One entry of a route's `mention:` for this channel type, when the platform can page
   * people; the payload builder renders them as real mentions. Absent: routes to channels of
   * this type cannot have `mention:`.
   */
  mention?: Struct<Extract<Mention, string>, any> | Struct<Exclude<Mention, string>, any>;
}

/** What an inbound bridge (chat commands, bot activities) gets from the service. */
export interface InboundDeps extends PlatformContext {
  subscriptions: Subscriptions;
  /** The file routes whose channel this platform would resolve to `chatChannel` (`list` shows them). */
  fileRoutesFor(chatChannel: string): Array<{ name: string; route: Route }>;
  sendTest(channelName: string): Promise<SendOutcome>;
}

/** Routes a platform serves (chat commands, bot activities), and how to stop them. */
export interface Inbound {
  mount(router: Router, deps: InboundDeps): Promise<{ start(): Promise<void>; stop(): Promise<void> }>;
}

/**
 * A chat platform: one folder under src/platforms/, one record. Everything else in the service
 * reaches it through the registry (src/platforms/registry.ts).
 */
export interface Platform<T extends Record<string, ChannelType<any>>> {
  /** Its template folder (`templates/TARGET/` overrides) and the name previews use. */
  target: string;
  /** Leaves emails and phones out unless a route shows `contacts` (a log stream, not a chat). */
  hidesContacts?: boolean;
  channelTypes: T;
  /** Channels made from chat (`/vcc subscribe`): `PREFIX:ID` names, and the channel each is. */
  chat?: { prefix: string; channel(id: string): { type: string } };
  inbound?: Inbound;
}
