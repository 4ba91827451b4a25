import type { ThreadRoot } from '../store/Store.ts';
import type { DueItem, Outgoing, ThreadedChannel, ThreadSettings } from './ChannelSender.ts';

/**
 * More agents than this in one read is a burst (an import, a backlog): it goes to the channel
 * as digests, as on a channel without threads, instead of a root or a reply per agent. Their
 * threads that exist still count the changes (and their roots are edited); an agent without
 * a root gets one with their next change.
 */
export const THREAD_BURST = 10;

const DAY_MS = 86_400_000;

/** The root a new event replies to: one not deleted in the chat and not quiet for `thread_days`. */
export function liveRoot(r: ThreadRoot | undefined, settings: ThreadSettings, now: number): ThreadRoot | undefined {
  return r && r.ref !== '' && now - r.lastAt < settings.days * DAY_MS ? r : undefined;
}

/** A thread's stable name (Google Chat's threadKey, the console's `thread`): the agent and when it started. */
export const threadKey = (userId: string, startedAt: number): string => `agent-${userId}-${startedAt.toString(36)}`;

/**
 * The messages for a threaded channel's due items, in order: per agent, one reply in their
 * live thread (their changes together), or a new root; a burst, or events without a user id,
 * as the channel's usual digests. An item `alone` picks (a change that asks for a decision)
 * is a message of its own: a reply in the agent's thread, in the thread its root starts now
 * (the root then carries only the other items, and counts them all), or, in a burst, in the
 * channel. Pure: `roots` are the agents' threads as the store has them.
 */
export function planThreads(
  items: readonly DueItem[],
  roots: ReadonlyMap<string, ThreadRoot>,
  t: ThreadedChannel,
  now: number,
  messages: (items: DueItem[]) => Outgoing[],
  alone: (item: DueItem) => boolean = () => false,
): Outgoing[] {
  const each = (xs: DueItem[]) => messagesAlone(xs, alone, messages);
  const live = (userId: string) => liveRoot(roots.get(userId), t.settings, now);
  const byUser = new Map<string, DueItem[]>();
  const loose: DueItem[] = [];
  for (const item of items) {
    const id = item.event.userId;
    if (id === null) loose.push(item);
    else byUser.set(id, [...(byUser.get(id) ?? []), item]);
  }
  if (byUser.size > THREAD_BURST) return toChannel([...items], live, t, each);
  const out = loose.length > 0 ? toChannel(loose, live, t, each) : [];
  for (const [userId, own] of byUser) {
    const root = live(userId);
    if (root) out.push(...replies(userId, own, root, t, each));
    else out.push(...startRoot(userId, own, t, now, own.filter(alone), messages));
  }
  return out;
}

/** `items` as `messages` makes them, but each item `alone` picks as a message of its own, after the rest. */
function messagesAlone(
  items: DueItem[],
  alone: (item: DueItem) => boolean,
  messages: (items: DueItem[]) => Outgoing[],
): Outgoing[] {
  const rest = items.filter((i) => !alone(i));
  const own = items.filter(alone);
  return [...(rest.length > 0 ? messages(rest) : []), ...own.flatMap((i) => messages([i]))];
}

/** The agent's changes as one reply (more than a digest holds: several) in their thread. */
function replies(
  userId: string,
  own: DueItem[],
  root: ThreadRoot,
  t: ThreadedChannel,
  messages: (items: DueItem[]) => Outgoing[],
): Outgoing[] {
  const broadcast = own.some((i) => i.delivery.kinds.some((k) => t.settings.broadcast.includes(k)));
  return messages(own).flatMap((o) => {
    const carried = carriedBy(o, own);
    const reply: Outgoing = {
      ...o,
      thread: {
        placement: { thread: 'reply', root: root.ref, broadcast },
        sent: { role: 'reply', roots: [counted(userId, carried)], edit: t.edit, threadRef: root.ref },
        replyTo: { userId, ref: root.ref },
      },
    };
    if (!broadcast || t.broadcast === 'native') return [reply];
    return [reply, { message: t.pointer(o.message, carried.at(-1)!), deliveryIds: [], courtesy: true }];
  });
}

/**
 * The agent's first message in the channel (or the first after thread_days): their root,
 * counting all `own` items but carrying those not in `asks`; each of `asks` follows as a reply
 * of its own in the new thread (the worker places it once the root has its ref). A root whose
 * every item asks carries none: what it comes to is recorded for them when it does not go.
 */
function startRoot(
  userId: string,
  own: DueItem[],
  t: ThreadedChannel,
  now: number,
  asks: DueItem[],
  messages: (items: DueItem[]) => Outgoing[],
): Outgoing[] {
  const key = threadKey(userId, now);
  const root: Outgoing = {
    message: t.root(own, own.length),
    deliveryIds: own.filter((i) => !asks.includes(i)).map((i) => i.delivery.id),
    thread: {
      placement: { thread: 'root', key },
      // The ref is the platform's id of the root once sent (the worker fills it in), else the key.
      sent: { role: 'root', roots: [{ ...counted(userId, own), ref: key }], edit: t.edit },
      ...(asks.length === own.length && { dependents: asks.map((i) => i.delivery.id) }),
    },
  };
  const replies = asks.flatMap((i) =>
    messages([i]).map((o): Outgoing => ({
      ...o,
      thread: { sent: { role: 'reply', roots: [], edit: t.edit }, underNewRoot: { key, userId } },
    })),
  );
  return [root, ...replies];
}

/** Items as the channel's usual messages; each counts its changes in the live threads it touches. */
function toChannel(
  items: DueItem[],
  live: (userId: string) => ThreadRoot | undefined,
  t: ThreadedChannel,
  messages: (items: DueItem[]) => Outgoing[],
): Outgoing[] {
  return messages(items).map((o) => {
    const carried = carriedBy(o, items);
    const users = [
      ...new Set(carried.flatMap((i) => (i.event.userId !== null && live(i.event.userId) ? [i.event.userId] : []))),
    ];
    const roots = users.map((u) =>
      counted(
        u,
        carried.filter((i) => i.event.userId === u),
      ),
    );
    return { ...o, thread: { sent: { role: 'channel', roots, edit: t.edit } } };
  });
}

const counted = (userId: string, items: readonly DueItem[]) => ({
  userId,
  changes: items.length,
  lastEventId: items.at(-1)!.event.id,
});

const carriedBy = (o: Outgoing, items: readonly DueItem[]): DueItem[] => {
  const ids = new Set(o.deliveryIds);
  return items.filter((i) => ids.has(i.delivery.id));
};
