import type { EventKind } from '../vcc/changes.ts';
import type { RouteHours } from '../routing/route.ts';
import type { ThreadSettings } from './ThreadStore.ts';

/** A chat-made channel's hours (`/vcc hours ...`): names of the config file's time intervals. */
export interface ChatHours extends RouteHours {
  urgent: EventKind[];
}

/** What a chat-made channel can set from chat, beyond its subscriptions, and its table. */
export interface ChatSettings {
  thread: ThreadSettings;
  hours: ChatHours;
}
export type ChatSetting = keyof ChatSettings;

const TABLES = { thread: 'chat_threads', hours: 'chat_hours' } as const satisfies Record<ChatSetting, string>;

/**
 * Migration 10, the same in both dialects: the matched routes' hours on each delivery (JSON,
 * null when none hold it: almost always), and a row per chat-made channel with hours (the
 * settings as JSON). Never to be edited.
 */
export const HOURS_MIGRATION = `
      ALTER TABLE deliveries ADD COLUMN hours TEXT;
      CREATE TABLE chat_hours (
        channel TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );`;

/** The statement listing one setting of every chat-made channel (rows: channel, settings). */
export const chatListSql = (what: ChatSetting) => `SELECT channel, settings FROM ${TABLES[what]} ORDER BY channel`;

/** The statement that sets (or, with null, removes) a chat-made channel's setting: `$name` parameters. */
export function chatSettingStep<K extends ChatSetting>(
  what: K,
  channel: string,
  settings: ChatSettings[K] | null,
  by: string,
  at: number,
) {
  const table = TABLES[what];
  return settings
    ? {
        sql: `INSERT INTO ${table} (channel, settings, updated_by, updated_at) VALUES ($channel, $settings, $by, $at)
              ON CONFLICT (channel) DO UPDATE SET settings = excluded.settings, updated_by = excluded.updated_by,
                updated_at = excluded.updated_at`,
        params: { channel, settings: JSON.stringify(settings), by, at },
      }
    : { sql: `DELETE FROM ${table} WHERE channel = $channel`, params: { channel } };
}

export const toChatSettings = <K extends ChatSetting>(
  rows: Array<{ channel: string; settings: string }>,
): Map<string, ChatSettings[K]> => new Map(rows.map((r) => [r.channel, JSON.parse(r.settings) as ChatSettings[K]]));
