import { uniqueMentions, type Mention } from '../routing/route.ts';
import { describeTerm, type WhereTerm } from '../routing/conditions.ts';
import { EVENT_KINDS, type EventKind } from '../vcc/changes.ts';
import type { ChatHours, ChatSetting, ChatSettings } from '../domain/chat.ts';
import { chatSettingStep } from '../store/chatSettingsSql.ts';
import { subscriptionSteps } from '../store/writeSteps.ts';
import type { TxStep } from '../store/TxStep.ts';
import type { Actor } from './Actor.ts';
import { byLabel } from './Actor.ts';
import type { ActionDeps } from './ActionDeps.ts';
import { entryStep, refused, type ActionName, type ActionResult } from './auditEntry.ts';

const kindsText = (k: readonly string[] | null) => (k && k.length ? k.join(', ') : 'all kinds');
const mentionText = (m: readonly Mention[]) => m.map((x) => (typeof x === 'string' ? x : x.name)).join(' ');

/** What a subscribe asks for, as its audit entry says it. */
function subscribeDetail(kinds: readonly EventKind[], where: readonly WhereTerm[], mention: readonly Mention[]) {
  return [
    kindsText(kinds),
    where.length ? `where ${where.map(describeTerm).join(' ')}` : '',
    mention.length ? `mention ${mentionText(mention)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * Checks that `actor` may change `channel`; when not, records the refusal and returns it.
 * Null: allowed.
 */
export async function refuseUnlessAllowed(
  deps: ActionDeps,
  actor: Actor,
  channel: string,
  action: ActionName,
  detail: string,
): Promise<{ ok: false; reason: string } | null> {
  const allowed = await deps.policy.mayChange(actor, channel);
  if (allowed === true) return null;
  return record(deps, actor, action, `channel ${channel}`, 'refused', `${detail}: ${allowed}`, allowed);
}

/** Writes a refusal (or failure) on its own and returns it as the action's answer. */
export async function record(
  deps: ActionDeps,
  actor: Actor,
  action: ActionName,
  target: string | null,
  outcome: 'refused' | 'failed',
  detail: string,
  reason: string,
): Promise<{ ok: false; reason: string }> {
  await deps.store.transaction([entryStep(actor, deps.clock(), { action, target, outcome, detail })]);
  return refused(reason);
}

/**
 * Adds kinds (none = all) for users matching `where` to a chat-made channel, paging `mention`.
 * A subscription with the same terms is widened instead of duplicated; a new one past
 * maxSubscriptions is refused.
 */
export async function subscribe(
  deps: ActionDeps,
  actor: Actor,
  s: { channel: string; kinds: EventKind[]; where: WhereTerm[]; mention: Mention[]; review?: boolean },
): Promise<ActionResult> {
  const detail = `${subscribeDetail(s.kinds, s.where, s.mention)}${s.review ? ' review' : ''}`;
  const no = await refuseUnlessAllowed(deps, actor, s.channel, 'subscribe', detail);
  if (no) return no;
  if (s.review && !deps.reviews.settingsOf(s.channel)) {
    const why = 'this channel has no reviewers: set who may decide first (reviewers ...)';
    return record(deps, actor, 'subscribe', `channel ${s.channel}`, 'refused', `${detail}: ${why}`, why);
  }
  const mine = (await deps.store.listSubscriptions()).filter((x) => x.channel === s.channel);
  const same = mine.find((x) => JSON.stringify(x.where) === JSON.stringify(s.where));
  if (!same && mine.length >= deps.maxSubscriptions) {
    const why = `this channel already has ${mine.length} subscriptions, the most it may hold (CHAT_MAX_SUBSCRIPTIONS); widen one or unsubscribe first`;
    return record(deps, actor, 'subscribe', `channel ${s.channel}`, 'refused', `${detail}: ${why}`, why);
  }
  const now = deps.clock();
  const write: TxStep = same
    ? subscriptionSteps.setEvents(
        same.id,
        s.kinds.length === 0 || same.events === null ? null : [...new Set([...same.events, ...s.kinds])],
        uniqueMentions([...same.mention, ...s.mention]),
      )
    : subscriptionSteps.add({
        channel: s.channel,
        events: s.kinds.length ? s.kinds : null,
        where: s.where,
        mention: s.mention,
        createdBy: byLabel(actor),
        createdAt: now,
        ...(s.review ? { review: true as const } : {}),
      });
  const facts = { action: 'subscribe', target: `channel ${s.channel}`, outcome: 'done', detail } as const;
  await deps.store.transaction([write, entryStep(actor, now, facts)]);
  await deps.changed();
  return { ok: true };
}

/** Removes kinds (none = everything) from the channel's subscriptions; `changed`: how many subscriptions changed. */
export async function unsubscribe(
  deps: ActionDeps,
  actor: Actor,
  channel: string,
  kinds: EventKind[],
): Promise<ActionResult<{ changed: number }>> {
  const no = await refuseUnlessAllowed(deps, actor, channel, 'unsubscribe', kindsText(kinds));
  if (no) return no;
  const steps: TxStep[] = [];
  for (const s of (await deps.store.listSubscriptions()).filter((x) => x.channel === channel)) {
    const current = s.events ?? [...EVENT_KINDS];
    const left = kinds.length === 0 ? [] : current.filter((k) => !kinds.includes(k));
    if (left.length !== current.length) steps.push(subscriptionSteps.setEvents(s.id, left));
  }
  const detail = `${kindsText(kinds)}: ${steps.length} subscription${steps.length === 1 ? '' : 's'} changed`;
  const facts = { action: 'unsubscribe', target: `channel ${channel}`, outcome: 'done', detail } as const;
  await deps.store.transaction([...steps, entryStep(actor, deps.clock(), facts)]);
  await deps.changed();
  return { ok: true, changed: steps.length };
}

const SETTING_ACTIONS = {
  thread: 'thread.set',
  hours: 'hours.set',
  reviewers: 'reviewers.set',
} as const satisfies Record<ChatSetting, ActionName>;

/** Sets (or, with null, removes) one of a chat-made channel's settings (`thread`, `hours`). */
export async function setChannelSetting<K extends ChatSetting>(
  deps: ActionDeps,
  actor: Actor,
  what: K,
  channel: string,
  value: ChatSettings[K] | null,
): Promise<ActionResult> {
  const action = SETTING_ACTIONS[what];
  const detail = value === null ? `${what} off` : `${what} ${JSON.stringify(value)}`;
  const no = await refuseUnlessAllowed(deps, actor, channel, action, detail);
  if (no) return no;
  if (what === 'reviewers' && value !== null) {
    const bad = deps.reviews.checkReviewers(channel, (value as ChatSettings['reviewers']).reviewers);
    if (bad) return record(deps, actor, action, `channel ${channel}`, 'refused', `${detail}: ${bad}`, bad);
  }
  if (what === 'hours' && value !== null) {
    const known = deps.intervals();
    const unknown = (value as ChatHours).intervals.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      const why = `unknown time interval "${unknown[0]}" (${known.length ? `the config file's time intervals: ${known.join(', ')}` : 'the config file defines none under time_intervals:'})`;
      return record(deps, actor, action, `channel ${channel}`, 'refused', `${detail}: ${why}`, why);
    }
  }
  const now = deps.clock();
  const step = chatSettingStep(what, channel, value, byLabel(actor), now);
  const facts = { action, target: `channel ${channel}`, outcome: 'done', detail } as const;
  await deps.store.transaction([{ ...step, returns: 'count' }, entryStep(actor, now, facts)]);
  await deps.changed();
  return { ok: true };
}
