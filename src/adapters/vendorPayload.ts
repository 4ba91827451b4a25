import type { ChannelConfig } from '../config/NotifyConfig.ts';
import type { Message } from '../render/Message.ts';
import { consoleRecord } from './console.ts';
import { slackChatPayload, slackPayload } from './slackBlocks.ts';
import { adaptiveCard, botActivity, workflowEnvelope } from './adaptiveCard.ts';

/**
 * The exact body a channel of this type receives for a message (the logged record for the console): built
 * by the same functions the adapters post with. Loads no platform SDK.
 */
export function vendorPayload(ch: ChannelConfig, m: Message): unknown {
  switch (ch.type) {
    case 'slack': return slackChatPayload(ch.channel, m);
    case 'slack-webhook': return slackPayload(m);
    case 'teams-workflow': return workflowEnvelope(adaptiveCard(m));
    case 'teams': return botActivity(m);
    case 'console': return consoleRecord(m);
  }
}
