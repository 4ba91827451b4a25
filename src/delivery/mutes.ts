import type { Mute, MuteStore } from '../store/Store.ts';
import { conditionHolds, termCondition, type Condition } from '../routing/conditions.ts';
import type { UserField } from '../vcc/user.ts';
import type { EventKind } from '../vcc/changes.ts';
import type { DueItem } from './ChannelSender.ts';

/** How long the mutes read from the store are used before they are read again (another instance, the CLI may add one). */
const REFRESH_MS = 1_000;

interface Compiled {
  mute: Mute;
  where: Array<{ field: UserField; condition: Condition }>;
}

/**
 * The mutes in force, as the worker asks for them: read from the store at most every second,
 * so a mute made anywhere (CLI, admin page, chat, another instance) holds within two seconds.
 */
export class ActiveMutes {
  private cache: { at: number; mutes: Compiled[] } | null = null;

  constructor(private readonly store: Pick<MuteStore, 'listMutes'>) {}

  /**
   * The items a mute holds back, by mute (the oldest matching mute takes an item). A delivery
   * that was resent or replayed (`retrySince` set) is never held: an operator sent it on purpose.
   */
  async held(
    channel: string,
    items: readonly DueItem[],
    now: number,
  ): Promise<Array<{ mute: Mute; items: DueItem[] }>> {
    const mutes = (await this.inForce(now)).filter(
      (m) => (m.mute.channel === null || m.mute.channel === channel) && m.mute.startsAt <= now && m.mute.endsAt > now,
    );
    if (mutes.length === 0) return [];
    const out = new Map<number, { mute: Mute; items: DueItem[] }>();
    for (const item of items) {
      if (item.delivery.retrySince !== null) continue;
      const m = mutes.find((c) => matches(c, item));
      if (!m) continue;
      const entry = out.get(m.mute.id) ?? { mute: m.mute, items: [] };
      entry.items.push(item);
      out.set(m.mute.id, entry);
    }
    return [...out.values()];
  }

  private async inForce(now: number): Promise<Compiled[]> {
    if (this.cache && now - this.cache.at < REFRESH_MS && now >= this.cache.at) return this.cache.mutes;
    const mutes = (await this.store.listMutes({ activeAt: now })).map(compile);
    this.cache = { at: now, mutes };
    return mutes;
  }
}

function compile(mute: Mute): Compiled {
  return {
    mute,
    where: mute.where.map((t) => {
      const c = termCondition(t);
      // A term that no longer compiles (it did when made) matches nothing.
      return { field: t.field, condition: c.ok ? c.condition : [] };
    }),
  };
}

const matches = (c: Compiled, item: DueItem): boolean => holds(c, item.delivery.kinds, item.event.new);

function holds(c: Compiled, kinds: readonly EventKind[], user: object): boolean {
  const only = c.mute.kinds;
  if (only !== null && !kinds.some((k) => only.includes(k))) return false;
  const fields = user as Partial<Record<UserField, unknown>>;
  return c.where.every((w) => conditionHolds(w.condition, fields[w.field]));
}

/** The first of `mutes` that would hold an event of `kinds` about `user` in `channel` at `now` (for `explain`). */
export function muteFor(
  mutes: readonly Mute[],
  channel: string,
  kinds: readonly EventKind[],
  user: object,
  now: number,
): Mute | undefined {
  return mutes
    .filter((m) => (m.channel === null || m.channel === channel) && m.startsAt <= now && m.endsAt > now)
    .find((m) => holds(compile(m), kinds, user));
}
