import type { Delivery, StoredEvent, ThreadRoot, ThreadSettings } from '../store/Store.ts';
import type { Renderer } from '../render/Renderer.ts';
import type { Message } from '../render/Message.ts';
import { liveRoot } from '../delivery/threadPlan.ts';
import { channelType, platformOf, type ChannelConfig } from '../platforms/registry.ts';

/** Where one event goes on a channel: to the channel as it is, as an agent's new root, or as a reply in a live thread. */
export type Place = { as: 'message' } | { as: 'root' } | { as: 'reply'; changes: number };

/**
 * Where an event of `userId` goes now on a channel with `settings` (none: not threaded),
 * given the agent's root there as the store has it: what the worker's thread plan decides
 * for a lone event (threadPlan.ts).
 */
export function placeNow(
  settings: ThreadSettings | undefined,
  userId: string | null,
  root: ThreadRoot | undefined,
  now: number,
): Place {
  if (!settings || userId === null) return { as: 'message' };
  const live = liveRoot(root, settings, now);
  return live ? { as: 'reply', changes: live.changes + 1 } : { as: 'root' };
}

/**
 * The messages a channel receives for one event placed so, in order, each with what it is:
 * a message; a root (the agent's thread starts); or a reply and, where the platform edits
 * roots, the root as it is edited. Built by the functions the worker sends with.
 */
export function shapedMessages(
  renderer: Renderer,
  ch: ChannelConfig,
  event: StoredEvent,
  delivery: Pick<Delivery, 'kinds' | 'show' | 'mention'>,
  place: Place,
): Array<{ what: string; message: Message }> {
  const target = platformOf(ch.type).target;
  const item = [{ event, delivery }];
  if (place.as === 'root')
    return [{ what: "a new root: the agent's thread starts here", message: renderer.root(item, 1, target) }];
  const message = renderer.event(event, delivery, target);
  if (place.as === 'message') return [{ what: 'a message', message }];
  const edits = channelType(ch).threads?.edit === true;
  return [
    { what: "a reply in the agent's thread", message },
    ...(edits
      ? [{ what: 'and the root, edited', message: { ...renderer.root(item, place.changes, target), mentions: [] } }]
      : []),
  ];
}
