import { refine, string, union, type Struct } from 'superstruct';
import type { Message } from '../render/Message.ts';
import { chatIdOf, type ChannelType, type ProbeContext } from './Platform.ts';
import { hostMatches } from './webhookUrl.ts';
import type { Finding } from '../domain/checks.ts';
import { consolePlatform } from './console/index.ts';
import { googleChat } from './google-chat/index.ts';
import { slack } from './slack/index.ts';
import { teams } from './teams/index.ts';

/** Every chat platform. Adding one is a folder under src/platforms/ and a line here. */
export const PLATFORMS = [slack, teams, googleChat, consolePlatform] as const;

export type AnyPlatform = (typeof PLATFORMS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type ChannelTypes = UnionToIntersection<AnyPlatform['channelTypes']>;

/** Channel type names (`slack`, `slack-webhook`, ...), from the platforms. */
export type ChannelTypeName = keyof ChannelTypes & string;
/** One place messages can go: the union of every platform's channel config. */
export type ChannelConfig = {
  [K in ChannelTypeName]: ChannelTypes[K] extends ChannelType<infer C> ? C : never;
}[ChannelTypeName];

const CHANNEL_TYPES = Object.assign({}, ...PLATFORMS.map((p) => p.channelTypes)) as ChannelTypes;
export const CHANNEL_TYPE_NAMES = Object.keys(CHANNEL_TYPES) as ChannelTypeName[];
const PLATFORM_OF = new Map<string, AnyPlatform>(
  PLATFORMS.flatMap((p) => Object.keys(p.channelTypes).map((t) => [t, p] as const)),
);

/** The record for a channel's type: its schema, limits, payload builder and adapter. */
export function channelType(ch: ChannelConfig): ChannelType<ChannelConfig> {
  return CHANNEL_TYPES[ch.type] as unknown as ChannelType<ChannelConfig>;
}

/** The platform a channel type belongs to (its template target). */
export function platformOf(type: ChannelTypeName): AnyPlatform {
  return PLATFORM_OF.get(type)!;
}

/** The schema of one channel type, or null for a name no platform offers. */
export function channelSchema(type: string): Struct<ChannelConfig, unknown> | null {
  return (CHANNEL_TYPES as Record<string, ChannelType<ChannelConfig> | undefined>)[type]?.schema ?? null;
}

/** The struct of one `mention:` entry for a channel type, or null when that type cannot mention. */
export function mentionSchema(type: string): Struct<any, any> | null {
  return (CHANNEL_TYPES as Record<string, ChannelType<ChannelConfig> | undefined>)[type]?.mention ?? null;
}

/** A channel type's config keys but `type`, each with its line (docs/configuration-reference.md). */
export function keysOf(type: ChannelTypeName): Readonly<Record<string, string>> {
  return (CHANNEL_TYPES[type] as unknown as ChannelType<ChannelConfig>).keys as Readonly<Record<string, string>>;
}

/** What `thread: agent` does on a channel type, or null when it cannot thread. */
export function threadsOf(type: string): ChannelType<ChannelConfig>['threads'] | null {
  return (CHANNEL_TYPES as Record<string, ChannelType<ChannelConfig> | undefined>)[type]?.threads ?? null;
}

/** The channel types that can have `thread: agent` (for messages). */
export const THREAD_TYPES = CHANNEL_TYPE_NAMES.filter((n) => threadsOf(n) !== null);

/** The struct of one `reviewers:` entry for a channel type, or null when that type cannot take decisions. */
export function reviewerSchema(type: string): Struct<string, any> | null {
  return (CHANNEL_TYPES as Record<string, ChannelType<ChannelConfig> | undefined>)[type]?.reviewer ?? null;
}

/** The channel types where people can decide on a change with buttons (for messages). */
export const DECISION_TYPES = CHANNEL_TYPE_NAMES.filter((n) => reviewerSchema(n) !== null);

/** A reviewer of a channel decided by link: their e-mail address, as their sign-in to the admin page gives it. */
const EMAIL_REVIEWER = refine(
  string(),
  'e-mail reviewer',
  (v) =>
    (v.length <= 254 && /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(v)) ||
    "expected the reviewer's e-mail address (as they sign in to the admin page)",
);

/**
 * How people decide on a channel type's review requests: with buttons in the chat (`click`,
 * reviewers by that platform's ids), or, where the chat cannot send a click back (webhooks), on
 * the admin page through a Review link (`link`, reviewers by e-mail). Null for an unknown type.
 */
export function decisionOf(type: string): { by: 'click' | 'link'; reviewer: Struct<string, any> } | null {
  if (!(type in CHANNEL_TYPES)) return null;
  const click = reviewerSchema(type);
  return click ? { by: 'click', reviewer: click } : { by: 'link', reviewer: EMAIL_REVIEWER };
}

/** The channel types whose routes can have `mention:` (for messages). */
export const MENTION_TYPES = CHANNEL_TYPE_NAMES.filter((n) => mentionSchema(n) !== null);

/** Any channel config (for tests and tools); the loader validates by type for clearer errors. */
export const anyChannelSchema = union(
  CHANNEL_TYPE_NAMES.map((n) => channelSchema(n)!) as [
    Struct<ChannelConfig, unknown>,
    ...Array<Struct<ChannelConfig, unknown>>,
  ],
);

/** The exact body a channel receives for a message: what `render` and the admin preview show. */
export function payloadFor(ch: ChannelConfig, m: Message): unknown {
  return channelType(ch).payload(ch, m);
}

/** A channel made from chat, by its name (`slack:C0123`, `teams:19:...`), or null. */
export function chatChannel(name: string): ChannelConfig | null {
  for (const p of PLATFORMS) {
    const id = 'chat' in p ? chatIdOf(p.chat.prefix, name) : null;
    if (id !== null && 'chat' in p) return p.chat.channel(id) as ChannelConfig;
  }
  return null;
}

/** The platforms' names for people: "Slack, Microsoft Teams, Google Chat". */
export const PLATFORM_TITLES = PLATFORMS.filter((p) => !('builtIn' in p))
  .map((p) => p.title)
  .join(', ');

/** The admin previews' frame per target (`.t-slack{...}`), from each platform's `preview`. */
export const PREVIEW_CSS = PLATFORMS.map(
  (p) =>
    `.t-${p.target}{border-left:4px solid ${p.preview.accent}${'monospace' in p.preview && p.preview.monospace ? ';font-family:monospace' : ''}}`,
).join('');

/** The built-in config's one channel (every event to it when there is no config file). */
const BUILT_IN = PLATFORMS.flatMap((p) => ('builtIn' in p ? [p.builtIn] : []))[0]!;
export const BUILT_IN_CHANNEL = { name: BUILT_IN.name, channel: BUILT_IN.channel as ChannelConfig };

/** The template targets, in registry order, with their options. */
export const TARGETS = PLATFORMS.map((p) => ({
  target: p.target,
  hidesContacts: 'hidesContacts' in p && p.hidesContacts,
}));

/** The channel type whose webhook URLs live on `host` (each type's `webhook` hosts), or null. */
export function webhookOwnerOf(host: string): string | null {
  const h = host.toLowerCase();
  return (
    CHANNEL_TYPE_NAMES.find((n) => {
      const shape = (CHANNEL_TYPES[n] as unknown as ChannelType<ChannelConfig>).webhook;
      return shape !== undefined && hostMatches(h, shape.hosts);
    }) ?? null
  );
}

/** A channel's online check (`check-config --online`): read-only, one finding per thing checked. */
export function probeChannel(ch: ChannelConfig, ctx: ProbeContext): Promise<Finding[]> {
  return channelType(ch).probe(ch, ctx);
}
