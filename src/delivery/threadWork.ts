import type { Logger } from 'pino';
import type { SendOutcome } from './Adapter.ts';
import type { ChannelSender, DueItem, Outgoing } from './ChannelSender.ts';
import type { EventStore, SentInThread, ThreadRoot, ThreadStore } from '../store/Store.ts';
import type { RateLimiter } from './RateLimiter.ts';

type Ready = Extract<ChannelSender, { ok: true }>;

/** Failed edits of one root before it is left as it is (the error shows on the admin page). */
export const EDIT_TRIES = 5;
/** Roots edited per visit of a channel; the rest wait for the next one. */
const EDITS_PER_VISIT = 20;

/**
 * What a send means for the agents' threads: a root's ref filled in from the platform's
 * answer; a reply whose root was deleted in the chat turns the root into a forgotten one
 * and the outcome into a retry now, so the same deliveries start a new root.
 */
export async function threadOutcome(
  store: ThreadStore,
  log: Logger,
  channel: string,
  out: Outgoing,
  outcome: SendOutcome,
): Promise<{ outcome: SendOutcome; thread?: SentInThread & { channel: string } }> {
  const t = out.thread;
  if (!t) return { outcome };
  if (outcome.status === 'permanent' && outcome.rootGone && t.replyTo) {
    await store.dropRoot(channel, t.replyTo.userId, t.replyTo.ref);
    log.warn(
      { channel, user: t.replyTo.userId },
      "an agent's thread root is gone (deleted in the chat): starting a new one",
    );
    return {
      outcome: {
        status: 'retry',
        reason: `${outcome.reason} (the thread's root is gone: a new one is started)`,
        retryAfterMs: 0,
      },
    };
  }
  if (outcome.status !== 'sent') return { outcome };
  const root = t.placement?.thread === 'root' && outcome.ref !== undefined ? outcome.ref : undefined;
  const roots = root === undefined ? t.sent.roots : t.sent.roots.map((r) => ({ ...r, ref: root }));
  return { outcome, thread: { ...t.sent, roots, channel } };
}

/**
 * Where a read's messages go as the sends before them came out: a reply planned in the thread
 * a root of the same read starts goes under that root's ref once it is sent (and keeps the ref
 * as its thread), or to the channel when the root did not go. One per read.
 */
export class ReadPlacement {
  private readonly roots = new Map<string, string>();

  /** `out` as it is sent now. */
  place(out: Outgoing): Outgoing {
    const under = out.thread?.underNewRoot;
    if (!under) return out;
    const ref = this.roots.get(under.key);
    const sent = { ...out.thread!.sent, ...(ref !== undefined && { threadRef: ref }) };
    if (ref === undefined) return { ...out, thread: { sent: { ...sent, role: 'channel' } } };
    const placement = { thread: 'reply', root: ref, broadcast: false } as const;
    return { ...out, thread: { placement, sent, replyTo: { userId: under.userId, ref } } };
  }

  /** The deliveries `outcome` is recorded for (a root that carries none: its dependents when it failed); notes a sent root's ref. */
  settled(out: Outgoing, outcome: SendOutcome): number[] {
    const p = out.thread?.placement;
    if (outcome.status === 'sent' && p?.thread === 'root' && outcome.ref !== undefined)
      this.roots.set(p.key, outcome.ref);
    return outcome.status !== 'sent' && out.deliveryIds.length === 0 ? (out.thread?.dependents ?? []) : out.deliveryIds;
  }
}

export interface EditDeps {
  store: EventStore & ThreadStore;
  log: Logger;
  clock: () => number;
  /** Waits for the channel's turn (rate limit, lease); false: stop for now. */
  turn: () => Promise<boolean>;
  /** Counts a call the platform answered against the channel's rate limit, and observes it. */
  answered: (outcome: SendOutcome) => void;
}

/** EditDeps for a channel: `turn` as the worker gives it; each answer counted on `limiter` and observed. */
export function editDeps(
  d: Pick<EditDeps, 'store' | 'log' | 'clock'> & { onEdit?: (channel: string, outcome: SendOutcome) => void },
  channel: string,
  limiter: RateLimiter,
  turn: () => Promise<boolean>,
): EditDeps {
  const answered = (outcome: SendOutcome) => {
    limiter.record(d.clock());
    d.onEdit?.(channel, outcome);
  };
  return { store: d.store, log: d.log, clock: d.clock, turn, answered };
}

/**
 * Edits the channel's roots whose edit is due so they show the agent's newest state. Best
 * effort: an edit that fails is tried again later on its own (at most EDIT_TRIES times); a
 * root deleted in the chat is forgotten, so the agent's next event starts a new one.
 */
export async function editRoots(d: EditDeps, channel: string, sender: Ready): Promise<void> {
  const { adapter, thread } = sender;
  if (!thread || !adapter.update) return;
  for (const root of await d.store.editsDue(channel, d.clock(), EDITS_PER_VISIT)) {
    const item = await newestItem(d.store, channel, root);
    if (!item) {
      await d.store.markEdit(channel, root.userId, { error: 'its newest event is no longer stored', nextAt: null });
      continue;
    }
    if (!(await d.turn())) return;
    const message = { ...thread.root([item], root.changes), mentions: [] };
    const outcome = await adapter
      .update(root.ref, message)
      .catch((e: Error): SendOutcome => ({ status: 'retry', reason: `edit failed: ${e.message}` }));
    d.answered(outcome);
    await recordEdit(d, channel, root, outcome);
  }
}

async function newestItem(store: EventStore, channel: string, root: ThreadRoot): Promise<DueItem | null> {
  const event = await store.getEvent(root.lastEventId);
  const delivery = (await store.deliveriesOf([root.lastEventId]))
    .get(root.lastEventId)
    ?.find((x) => x.channel === channel);
  return event && delivery ? { event, delivery } : null;
}

async function recordEdit(d: EditDeps, channel: string, root: ThreadRoot, outcome: SendOutcome): Promise<void> {
  const now = d.clock();
  if (outcome.status === 'sent') return d.store.markEdit(channel, root.userId, { editedAt: now });
  if (outcome.status === 'permanent' && outcome.rootGone) {
    d.log.warn(
      { channel, user: root.userId },
      "an agent's thread root is gone (deleted in the chat): the next event starts a new one",
    );
    return d.store.dropRoot(channel, root.userId, root.ref);
  }
  const again = outcome.status === 'retry' && root.editAttempts + 1 < EDIT_TRIES;
  const nextAt = again ? now + (outcome.retryAfterMs ?? 30_000 * 2 ** root.editAttempts) : null;
  if (!again)
    d.log.warn({ channel, user: root.userId, reason: outcome.reason }, 'thread root edit failed; left as it is');
  await d.store.markEdit(channel, root.userId, { error: outcome.reason, nextAt });
}
