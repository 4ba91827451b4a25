import type { EventKind } from '../vcc/changes.ts';
import type { WhereTerm } from '../routing/conditions.ts';
import type { Mention, RouteHours } from '../routing/route.ts';
import type { ThreadSettings } from './threads.ts';

// What chat-made channels hold: Teams conversations, subscriptions, settings made from chat.

/** A Teams conversation the bot was added to, with the reference proactive sends need. */
export interface StoredConversation {
  id: string;
  /** botbuilder's ConversationReference, as captured from the installing activity. */
  reference: Record<string, unknown>;
  name: string | null;
  updatedAt: number;
}

/** A subscription made from inside a chat channel (`/vcc subscribe ...`). */
export interface Subscription {
  id: number;
  /** The chat channel's name in routing: `slack:C0123` or `teams:19:...@thread.tacv2`. */
  channel: string;
  /** Null: every kind. */
  events: EventKind[] | null;
  where: WhereTerm[];
  /** Whom the channel pages for these events (`mention` in the chat command). */
  mention: Mention[];
  /** These events ask the channel's reviewers for a decision (`review` in the chat command). */
  review?: true;
  createdBy: string;
  createdAt: number;
}

/** A chat-made channel's hours (`/vcc hours ...`): names of the config file's time intervals. */
export interface ChatHours extends RouteHours {
  urgent: EventKind[];
}

/** A chat-made channel's reviewers (`/vcc reviewers ...`): who may decide on its reviewed changes. */
export interface ChatReviewers {
  reviewers: string[];
}

/** What a chat-made channel can set from chat, beyond its subscriptions. */
export interface ChatSettings {
  thread: ThreadSettings;
  hours: ChatHours;
  reviewers: ChatReviewers;
}
export type ChatSetting = keyof ChatSettings;
