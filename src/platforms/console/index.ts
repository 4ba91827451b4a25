import { literal, object } from 'superstruct';
import type { ChannelType, Platform } from '../Platform.ts';
import { ok } from '../../domain/checks.ts';
import { consoleAdapter, consoleRecord } from './console.ts';

export type ConsoleChannel = { type: 'console' };

const consoleChannel: ChannelType<ConsoleChannel> = {
  keys: {},
  schema: object({ type: literal('console') }),
  // Each line carries its thread's key; a log has nothing to edit and no channel to broadcast to.
  threads: { edit: false, broadcast: 'native' },
  // A log line costs nothing to send: no limit.
  limits: [],
  digestPerMessage: 100,
  sendsWithFetch: () => false,
  payload: (_ch, m) => consoleRecord(m),
  adapter: async (_ch, ctx) => ctx.once('console.adapter', async () => consoleAdapter(ctx.log)),
  probe: async () => [ok("writes to the service's log: nothing to reach")],
};

/** The console: notifications as JSON lines on the service's log stream (the default channel). */
export const consolePlatform = {
  target: 'console',
  title: 'the console (the service log)',
  preview: { accent: '#6a737d', monospace: true },
  builtIn: { name: 'console', channel: { type: 'console' } },
  env: {},
  // A log stream is read by more people than a chat channel.
  hidesContacts: true,
  channelTypes: { console: consoleChannel },
} satisfies Platform<Record<string, ChannelType<any>>>;
