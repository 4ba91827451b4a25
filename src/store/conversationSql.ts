import type { StoredConversation } from '../domain/chat.ts';

/** The Teams conversation references' statements in both dialects (`$name` parameters). */
export const CONVERSATION_SQL = {
  save: `INSERT INTO conversations (id, reference, name, updated_at) VALUES ($id, $reference, $name, $at)
         ON CONFLICT (id) DO UPDATE SET reference = excluded.reference, name = excluded.name, updated_at = excluded.updated_at`,
  get: 'SELECT * FROM conversations WHERE id = $id',
} as const;

export const saveParams = (c: StoredConversation) => ({
  id: c.id,
  reference: JSON.stringify(c.reference),
  name: c.name,
  at: c.updatedAt,
});

export interface ConversationRow {
  id: string;
  reference: string;
  name: string | null;
  updated_at: number | string;
}

export const toConversation = (r: ConversationRow | undefined | null): StoredConversation | null =>
  r
    ? {
        id: r.id,
        reference: JSON.parse(r.reference) as Record<string, unknown>,
        name: r.name,
        updatedAt: Number(r.updated_at),
      }
    : null;
