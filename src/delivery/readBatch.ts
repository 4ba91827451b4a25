import type { Logger } from 'pino';
import {
  HELD_BY_HOURS,
  type EventStore,
  type MuteStore,
  type NewReview,
  type ReviewStore,
  type ThreadStore,
} from '../store/Store.ts';
import { utcMinute } from '../render/utcMinute.ts';
import type { ChannelSender, DueItem, Outgoing } from './ChannelSender.ts';
import type { ActiveMutes } from './mutes.ts';
import { runSteps, type Decisions } from './readSteps.ts';

type Ready = Extract<ChannelSender, { ok: true }>;

export interface ReadDeps {
  store: ThreadStore &
    Pick<MuteStore, 'markMuted'> &
    Pick<EventStore, 'duePending' | 'markHeld'> &
    Pick<ReviewStore, 'openReview'>;
  mutes: ActiveMutes;
  log: Logger;
  onMuted?: (channel: string, items: DueItem[]) => void;
}

/**
 * The messages for a read of a channel's due items, through READ_STEPS (readSteps.ts), with
 * what the steps decided recorded: muted items as muted, held items as held. While items wait
 * for their hours, the others go, and `holdUntil` says when the first waiting one may. A full
 * read (`limit` items) that only waits goes on to the next page of due items: those behind
 * it are not held up. `items`: the page the messages carry.
 */
export async function readMessages(
  d: ReadDeps,
  channel: string,
  sender: Ready,
  read: DueItem[],
  now: number,
  limit: number,
): Promise<{ messages: Outgoing[]; holdUntil: number | null; items: DueItem[] }> {
  const context = {
    channel,
    now,
    sender,
    muted: (items: readonly DueItem[]) => d.mutes.held(channel, items, now),
    roots: (users: readonly string[]) => d.store.threadRoots(channel, users),
    openReview: (r: NewReview) => d.store.openReview(r),
  };
  let page = read;
  let holdUntil: number | null = null;
  for (;;) {
    const { messages, decided } = await runSteps(page, context);
    await record(d, channel, decided, now);
    if (decided.holdUntil !== null) holdUntil = Math.min(holdUntil ?? decided.holdUntil, decided.holdUntil);
    if (messages.length > 0 || decided.holdUntil === null || page.length < limit)
      return { messages, holdUntil, items: page };
    page = await d.store.duePending(channel, now, limit, page.at(-1)!.delivery.id);
    if (page.length === 0) return { messages, holdUntil, items: page };
  }
}

/** Records the steps' decisions: what a mute held as `muted` with its id; why and until when each held item waits. */
async function record(d: ReadDeps, channel: string, decided: Decisions, now: number): Promise<void> {
  for (const { mute, items } of decided.muted) {
    const ids = items.map((i) => i.delivery.id);
    await d.store.markMuted(ids, mute.id, now, `muted by mute #${mute.id}: ${mute.comment}`);
    d.onMuted?.(channel, items);
    d.log.info({ channel, mute: mute.id, deliveries: items.length }, 'deliveries muted');
  }
  await noteHeld(d, decided.held, now);
}

/**
 * Writes on each item held by quiet hours why and until when, unless it says so already (one
 * statement per reason): `deliveries`, `history` and the admin page then show it as held.
 */
async function noteHeld(d: ReadDeps, held: Decisions['held'], now: number) {
  const byReason = new Map<string, number[]>();
  for (const { item, until, why } of held) {
    const reason = `${HELD_BY_HOURS} until ${utcMinute(until)} (${why})`;
    if (item.delivery.lastError === reason) continue;
    const ids = byReason.get(reason);
    if (ids) ids.push(item.delivery.id);
    else byReason.set(reason, [item.delivery.id]);
  }
  for (const [reason, ids] of byReason) await d.store.markHeld(ids, now, reason);
}
