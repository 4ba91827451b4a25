import { literal, nonempty, object, string } from 'superstruct';
import type { ChannelType, Platform } from '../Platform.ts';
import { postJson } from '../httpOutcome.ts';
import { googleChatPayload } from './card.ts';
import type { Message } from '../../render/Message.ts';
import type { Placement } from '../../delivery/Adapter.ts';
import { problem } from '../../domain/checks.ts';
import { webhookUrlFindings, type WebhookShape } from '../webhookUrl.ts';

/** An incoming webhook of one space: `https://chat.googleapis.com/v1/spaces/SPACE/messages?key=...&token=...`. */
export type GoogleChatChannel = { type: 'google-chat'; url: string };

/** https://developers.google.com/workspace/chat/quickstart/webhooks: the space's URL with its key and token. */
const WEBHOOK: WebhookShape = {
  what: 'a Google Chat space webhook',
  hosts: ['chat.googleapis.com'],
  path: /^\/v1\/spaces\/[^/]+\/messages$/,
  fix: 'copy the URL from the space: Apps & integrations → Webhooks (https://chat.googleapis.com/v1/spaces/.../messages?key=...&token=...)',
};

const webhook: ChannelType<GoogleChatChannel> = {
  webhook: WEBHOOK,
  async probe(ch, ctx) {
    const found = webhookUrlFindings(ch.url, WEBHOOK, ctx.webhookOwner);
    const u = URL.canParse(ch.url) ? new URL(ch.url) : null;
    if (u?.hostname === 'chat.googleapis.com' && !(u.searchParams.get('key') && u.searchParams.get('token')))
      return [problem('the URL lacks its key or token (Chat refuses it)', WEBHOOK.fix)];
    return found;
  },
  keys: { url: 'the space webhook URL (a secret: put it in an environment variable)' },
  schema: object({ type: literal('google-chat'), url: nonempty(string()) }),
  // 1 write per second per space (https://developers.google.com/workspace/chat/limits); 50 ms
  // of margin against jitter.
  limits: [{ count: 1, windowMs: 1050 }],
  // 60 events' lines keep a digest card well under the 32,000-byte message limit.
  digestPerMessage: 60,
  sendsWithFetch: () => true,
  payload: (_ch, m) => googleChatPayload(m),
  // 200 sent; 429 RESOURCE_EXHAUSTED, 408 and 5xx retry (Retry-After honoured); 400, 403, 404
  // permanent. The URL carries the space's key and token: it never enters a reason.
  adapter: async (ch, ctx) => ({
    send: (m, placement) =>
      placement
        ? postJson(ctx.fetch, threadUrl(ch.url), threaded(m, placement), 'Google Chat', ctx.clock)
        : postJson(ctx.fetch, ch.url, googleChatPayload(m), 'Google Chat', ctx.clock),
  }),
  // A webhook cannot edit what it posted; a broadcast reply gets a pointer in the space.
  threads: { edit: false, broadcast: 'pointer' },
};

/**
 * A message in an agent's thread: the thread named by its key, root or reply alike; should
 * the thread be gone, Chat starts a new one with that key
 * (https://developers.google.com/workspace/chat/create-messages#name-thread).
 */
function threaded(m: Message, placement: Placement) {
  const threadKey = placement.thread === 'root' ? placement.key : placement.root;
  return { ...googleChatPayload(m), thread: { threadKey } };
}

const threadUrl = (url: string): string => {
  const u = new URL(url);
  u.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return u.toString();
};

/** Google Chat: a space's incoming webhook. */
export const googleChat = {
  target: 'google-chat',
  title: 'Google Chat',
  preview: { accent: '#1a73e8' },
  env: {},
  channelTypes: { 'google-chat': webhook },
} satisfies Platform<Record<string, ChannelType<any>>>;
