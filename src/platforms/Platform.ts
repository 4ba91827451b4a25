import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Struct } from 'superstruct';
import type { Message } from '../render/Message.ts';
import type { RateWindow } from '../delivery/RateLimiter.ts';
import type { Mention, Route } from '../routing/route.ts';
import type { ConversationStore } from '../store/Store.ts';
import type { Subscriptions } from '../chat/Subscriptions.ts';
import type { Adapter } from '../delivery/Adapter.ts';
import type { Actions } from '../actions/Actions.ts';
import type { ChangePolicy } from '../actions/ChangePolicy.ts';
import type { Finding } from '../domain/checks.ts';
import type { WebhookShape } from './webhookUrl.ts';

/**
 * One environment variable a platform reads. The settings loader validates it, and
 * `.env.example` and the table in docs/configuration.md are checked against it (test/platformEnv.test.ts).
 */
export interface EnvVar {
  /** A secret: never logged, shown or echoed in an error. */
  secret: boolean;
  /** What it enables, one line. */
  what: string;
  /** The values it may take (absent: any string). */
  values?: readonly string[];
}

export type EnvVars = Readonly<Record<string, EnvVar>>;

/** A platform's variables as the service read them: validated, unset or blank ones absent. */
export type EnvValues<V extends EnvVars> = { readonly [K in keyof V]?: string };

/** The whole validated environment, as a platform receives it; read it through `envOf`. */
export type AnyEnv = Readonly<Record<string, unknown>>;

/** The platform's own variables out of the environment: a name it did not declare does not compile. */
export const envOf = <V extends EnvVars>(_vars: V, env: AnyEnv): EnvValues<V> => env as EnvValues<V>;

/** A chat-made channel's routing name (`PREFIX:ID`), and back: the one place both are written. */
export const chatName = (prefix: string, id: string): string => `${prefix}:${id}`;
export const chatIdOf = (prefix: string, name: string): string | null =>
  name.startsWith(`${prefix}:`) ? name.slice(prefix.length + 1) : null;

/** A `PlatformContext.once`: one value per key, made by the first call for that key. */
export function onceByKey(): PlatformContext['once'] {
  const made = new Map<string, Promise<unknown>>();
  return <T>(key: string, make: () => Promise<T>) => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as Promise<T>;
  };
}

/** What platforms get from the service to send with: settings and I/O, injected. */
export interface PlatformContext {
  env: AnyEnv;
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

/**
 * What an online check of one channel gets (`check-config --online`): the platform context
 * (its `once` shares one account check between channels) and what the config asks of the
 * channel. A probe only reads: it never posts, edits or changes anything at the platform.
 */
export interface ProbeContext extends Omit<PlatformContext, 'conversations'> {
  conversations: Pick<ConversationStore, 'getConversation'> | null;
  /** What the config asks of this channel, so a probe names the scopes or rights it lacks. */
  needs: { reviewers: readonly string[]; threads: boolean };
  /** The channel type whose webhook URLs live on this host (`webhook` of each type), if any. */
  webhookOwner(host: string): string | null;
}

/** One kind of channel a platform offers (`slack`, `slack-webhook`, ...). */
export interface ChannelType<C extends { type: string }> {
  /** The channel's entry in the config file (validated with superstruct). */
  schema: Struct<C, unknown>;
  /** One line of meaning per config key but `type` (docs/configuration-reference.md): a key without one fails to compile. */
  keys: { readonly [K in Exclude<keyof C, 'type'> & string]-?: string };
  /**
   * Sends per time window the worker keeps to for one channel of this type, so it does not
   * draw a 429; the vendor's documentation is linked beside each in the platform's module.
   */
  limits: readonly RateWindow[];
  /** Events per digest message, so a digest stays within the platform's message size. */
  digestPerMessage: number;
  /**
   * Whether its sends go through fetch (Node's, loaded at its first use) with these settings:
   * the warm-up after readiness then loads it, so the first send does not.
   */
  sendsWithFetch(env: AnyEnv): boolean;
  /**
   * The exact body a channel of this type receives for a neutral Message: the adapter posts
   * it, and `vcc-notify render` and the admin preview show it. Escapes for the platform.
   */
  payload(channel: C, m: Message): unknown;
  /** The adapter for one channel (send + classify only), or the reason it cannot send now. */
  adapter(channel: C, ctx: PlatformContext): Promise<Adapter | string>;
  /**
   * Checks, read-only, that the platform will take this channel's messages: credentials valid,
   * the channel reachable, a webhook URL of the right host. Each finding has its fix-it line.
   */
  probe(channel: C, ctx: ProbeContext): Promise<Finding[]>;
  /** A webhook type's URL: its hosts and path (the probe checks it; another type's probe names it). */
  webhook?: WebhookShape;
  /** Why the environment cannot serve this channel type (a missing token), if it cannot. */
  warning?(env: AnyEnv): string | null;
  /**
   * One entry of a route's `mention:` for this channel type, when the platform can page
   * people; the payload builder renders them as real mentions. Absent: routes to channels of
   * this type cannot have `mention:`.
   */
  mention?: Struct<Extract<Mention, string>, any> | Struct<Exclude<Mention, string>, any>;
  /**
   * One entry of a channel's `reviewers:` (who may decide on a change: a review's buttons
   * reach the service from channels of this type). Absent: the type cannot take decisions (a
   * webhook cannot receive clicks), and the config refuses a reviewed route to it.
   */
  reviewer?: Struct<string, any>;
  /**
   * What `thread: agent` does on this type: whether a root can be edited in place, and how a
   * broadcast reply shows in the channel (the platform's own way, or a pointer message); the
   * adapter honours `Placement`. Absent: the type cannot thread, and the config refuses it.
   */
  threads?: {
    edit: boolean;
    broadcast: 'native' | 'pointer';
    /** The edits' own limits where the platform counts them apart from posts (absent: they share `limits`). */
    editLimits?: readonly RateWindow[];
  };
}

/** What an inbound bridge (chat commands, bot activities) gets from the service. */
export interface InboundDeps extends PlatformContext {
  subscriptions: Subscriptions;
  /** The file routes whose channel this platform would resolve to `chatChannel` (`list` shows them). */
  fileRoutesFor(chatChannel: string): Array<{ name: string; route: Route }>;
  /** What people do from chat (subscribe, mute, test ...), checked and recorded. */
  actions: Actions;
  /** Where the bridge sets its platform's rule on who may change a channel (`*_COMMAND_USERS`). */
  policy: ChangePolicy;
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
  /** Its name for people (`vcc-notify --help`, docs). */
  title: string;
  /** How the admin page frames its previews: an accent colour, and monospace for a log. */
  preview: { accent: string; monospace?: boolean };
  /** Leaves emails and phones out unless a route shows `contacts` (a log stream, not a chat). */
  hidesContacts?: boolean;
  channelTypes: T;
  /** The environment variables it reads (none: an empty record). */
  env: EnvVars;
  /**
   * Channels made from chat (`/vcc subscribe`): `PREFIX:ID` names (see chatName), the channel
   * each is, and how people write a mention after `mention` there (help texts; absent: none).
   */
  chat?: { prefix: string; channel(id: string): { type: string }; mentionHelp?: string };
  /** The channel the built-in config (no config file) sends everything to, if this platform is it. */
  builtIn?: { name: string; channel: { type: string } };
  inbound?: Inbound;
}
