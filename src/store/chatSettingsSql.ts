import type { ChatSetting, ChatSettings } from '../domain/chat.ts';

const TABLES = {
  thread: 'chat_threads',
  hours: 'chat_hours',
  reviewers: 'chat_reviewers',
} as const satisfies Record<ChatSetting, string>;

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
