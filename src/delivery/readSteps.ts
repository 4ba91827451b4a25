import type { Mute, NewReview, Review, ThreadRoot } from '../store/Store.ts';
import type { Message } from '../render/Message.ts';
import { withReview } from '../render/reviewText.ts';
import type { ChannelSender, DueItem, Outgoing } from './ChannelSender.ts';
import { planThreads } from './threadPlan.ts';
import { anyHours, hoursPlan } from './quietHours.ts';

type Ready = Extract<ChannelSender, { ok: true }>;

/** A read of one channel's due items as it goes through the steps. */
export interface Batch {
  /** Items still to be made into messages of their own (threads, digests). */
  go: DueItem[];
  /** Items that waited out quiet hours: they go as one "While you were away" summary. */
  away: DueItem[];
  /** The messages made so far, in the order they are sent. */
  messages: Outgoing[];
  /** Items in `go` that ask for a decision, by delivery id: how their message shows their review. */
  asks?: ReadonlyMap<number, (m: Message) => Message>;
}

/** What a step decided about items it took out of the batch. */
export interface Decisions {
  /** Held back by a mute: recorded `muted` with the mute (final, resendable). */
  muted: Array<{ mute: Mute; items: DueItem[] }>;
  /** Waiting out quiet hours: pending, with why and until when. */
  held: Array<{ item: DueItem; until: number; why: string }>;
  /** When the first held item may go (the worker looks again then), or null. */
  holdUntil: number | null;
}

/** What the steps may read: the channel, the time, its sender, and the store through two reads. */
export interface StepContext {
  channel: string;
  now: number;
  sender: Ready;
  /** The items a mute in force holds back, by mute (ActiveMutes.held). */
  muted(items: readonly DueItem[]): Promise<Decisions['muted']>;
  /** The agents' thread roots in this channel, by user id. */
  roots(userIds: readonly string[]): Promise<Map<string, ThreadRoot>>;
  /** Opens the item's review in this channel, or finds the one it has (a resend shows the same one). */
  openReview(r: NewReview): Promise<Review>;
}

/** One step: the batch it hands on, and what it decided about the items it took out. */
export type ReadStep = (b: Batch, c: StepContext) => Promise<{ batch: Batch; decided?: Partial<Decisions> }>;

const mute: ReadStep = async (b, c) => {
  const muted = await c.muted([...b.go, ...b.away]);
  if (muted.length === 0) return { batch: b };
  const gone = new Set(muted.flatMap((m) => m.items));
  const keep = (xs: DueItem[]) => xs.filter((i) => !gone.has(i));
  return { batch: { ...b, go: keep(b.go), away: keep(b.away) }, decided: { muted } };
};

const hours: ReadStep = async (b, c) => {
  if (!anyHours(c.sender.hours, b.go)) return { batch: b };
  const plan = hoursPlan(c.sender.hours, b.go, c.now);
  return {
    batch: { ...b, go: plan.send, away: [...b.away, ...plan.away] },
    decided: { held: plan.held, holdUntil: plan.holdUntil },
  };
};

/**
 * A change that needs a decision is always a message of its own, never folded into a digest
 * or the away summary, so every decision has one message to edit: the item's message with its
 * review (state, controls). On a threaded channel the thread plan places it (a reply of its
 * own in the agent's thread); elsewhere it goes here. A channel without reviewers sends it as usual.
 */
const review: ReadStep = async (b, c) => {
  const rv = c.sender.review;
  if (!rv) return { batch: b }; // every read of a channel without reviewers passes here: no copy of it
  const asking = [...b.away, ...b.go].filter((i) => i.delivery.review);
  if (asking.length === 0) return { batch: b };
  const asks = new Map<number, (m: Message) => Message>();
  for (const item of asking) {
    const r = await c.openReview({
      eventId: item.event.id,
      channel: c.channel,
      userId: item.event.userId,
      username: typeof item.event.new.username === 'string' ? item.event.new.username : null,
      email: typeof item.event.new.email === 'string' ? item.event.new.email : null,
      what: rv.what(item),
      askedAt: c.now,
      nextRemindAt: c.now + rv.remindAfterMs,
    });
    const link = rv.reviewUrl?.(r.id) ?? null;
    asks.set(item.delivery.id, (m) => withReview(m, r, rv.reviewers, rv.openUrl(item.event.id), link));
  }
  const rest = (xs: DueItem[]) => xs.filter((i) => !i.delivery.review);
  if (c.sender.thread)
    return { batch: { ...b, go: [...b.away.filter((i) => i.delivery.review), ...b.go], away: rest(b.away), asks } };
  const messages = asking.flatMap((item) => asked(c.sender.messages([item]), asks.get(item.delivery.id)!));
  return { batch: { go: rest(b.go), away: rest(b.away), messages: [...b.messages, ...messages] } };
};

/** Outgoing messages with `show` applied to each (an item's review on its message). */
const asked = (out: Outgoing[], show: (m: Message) => Message) => out.map((o) => ({ ...o, message: show(o.message) }));

const summary: ReadStep = async (b, c) =>
  b.away.length === 0
    ? { batch: b }
    : { batch: { ...b, away: [], messages: [...b.messages, ...c.sender.away(b.away)] } };

const digest: ReadStep = async (b, c) =>
  c.sender.thread || b.go.length === 0
    ? { batch: b }
    : { batch: { ...b, go: [], messages: [...b.messages, ...c.sender.messages(b.go)] } };

const threads: ReadStep = async (b, c) => {
  const t = c.sender.thread;
  if (!t || b.go.length === 0) return { batch: b };
  const users = [...new Set(b.go.flatMap((i) => (i.event.userId === null ? [] : [i.event.userId])))];
  const roots = users.length > 0 ? await c.roots(users) : new Map<string, ThreadRoot>();
  const asks = b.asks ?? new Map<number, (m: Message) => Message>();
  const show = (items: DueItem[]) => {
    const ask = items.length === 1 ? asks.get(items[0]!.delivery.id) : undefined;
    return ask ? asked(c.sender.messages(items), ask) : c.sender.messages(items);
  };
  const planned = planThreads(b.go, roots, t, c.now, show, (i) => asks.has(i.delivery.id));
  return { batch: { ...b, go: [], messages: [...b.messages, ...planned] } };
};

/**
 * The steps every read of a channel's due items goes through, in order; the worker sends the
 * messages they make. A new step (e.g. one that keeps some items out of digests) is one entry.
 * - mute: what a mute in force holds back is settled as muted;
 * - hours: what arrives in quiet hours waits; what waited is set apart for the summary;
 * - review: a change that needs a decision goes alone, with its review's controls;
 * - summary: what waited goes first, as one "While you were away" message;
 * - digest: on a channel without threads, one message per item, or digests of several;
 * - thread plan: on a threaded channel, roots, replies, and the digests of a burst.
 */
export const READ_STEPS = [
  ['mute', mute],
  ['hours', hours],
  ['review', review],
  ['summary', summary],
  ['digest', digest],
  ['thread plan', threads],
] as const satisfies ReadonlyArray<readonly [string, ReadStep]>;

/** Runs `items` through `steps` (READ_STEPS): the messages to send and every step's decisions. */
export async function runSteps(
  items: DueItem[],
  c: StepContext,
  steps: ReadonlyArray<readonly [string, ReadStep]> = READ_STEPS,
): Promise<{ messages: Outgoing[]; decided: Decisions }> {
  let batch: Batch = { go: items, away: [], messages: [] };
  const decided: Decisions = { muted: [], held: [], holdUntil: null };
  for (const [, step] of steps) {
    const r = await step(batch, c);
    batch = r.batch;
    decided.muted.push(...(r.decided?.muted ?? []));
    decided.held.push(...(r.decided?.held ?? []));
    const until = r.decided?.holdUntil ?? null;
    if (until !== null) decided.holdUntil = Math.min(decided.holdUntil ?? until, until);
  }
  return { messages: batch.messages, decided };
}
