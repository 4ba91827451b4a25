import type { ThreadSettings, ThreadStore } from '../store/Store.ts';
import { liveRoot, THREAD_BURST } from '../delivery/threadPlan.ts';
import { threadText } from '../render/threadText.ts';

/**
 * For `explain`: where an event of `userId` would go in each threaded channel among
 * `channels` (those its routes matched): a reply in the agent's live thread, or a new root.
 */
export async function threadPlacement(
  channels: readonly string[],
  userId: string | null,
  threadsOf: (channel: string) => ThreadSettings | undefined,
  store: Pick<ThreadStore, 'threadRoots'>,
  now: number,
): Promise<string[]> {
  const lines: string[] = [];
  for (const channel of channels) {
    const settings = threadsOf(channel);
    if (!settings) continue;
    const root = userId === null ? undefined : (await store.threadRoots(channel, [userId])).get(userId);
    const live = liveRoot(root, settings, now);
    const where =
      userId === null
        ? 'no user id: to the channel itself'
        : live
          ? `a reply in the agent's thread (${threadText(live)})`
          : `starts the agent's thread (its root), unless it comes in a burst of more than ${THREAD_BURST} agents`;
    lines.push(`thread  ${channel}: ${where}`);
  }
  return lines;
}
