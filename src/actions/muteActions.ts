import { describeTerm, type WhereTerm } from '../routing/conditions.ts';
import type { EventKind } from '../vcc/changes.ts';
import { newMute } from '../domain/mutes.ts';
import { muteSteps, rowsOf } from '../store/writeSteps.ts';
import { firstId, type TxStep } from '../store/TxStep.ts';
import { utcMinute } from '../render/utcMinute.ts';
import type { Actor } from './Actor.ts';
import { byLabel } from './Actor.ts';
import type { ActionDeps } from './ActionDeps.ts';
import { entryStep, type ActionResult } from './auditEntry.ts';
import { record, refuseUnlessAllowed } from './channelActions.ts';

/** The longest a mute may last: past it, an operator would rather change a route. */
export const MAX_MUTE_MS = 90 * 86_400_000;
/** The longest comment a mute keeps. */
export const MAX_MUTE_COMMENT = 500;

export interface MuteRequest {
  /** Null: every channel. */
  channel: string | null;
  kinds: readonly EventKind[];
  where: WhereTerm[];
  comment: string;
  /** How long from now. */
  ms: number;
}

const muteDetail = (m: MuteRequest, endsAt: number) =>
  [
    m.channel === null ? 'every channel' : `channel ${m.channel}`,
    m.kinds.length ? m.kinds.join(',') : 'every kind',
    ...(m.where.length ? [`where ${m.where.map(describeTerm).join(' ')}`] : []),
    `until ${utcMinute(endsAt)}`,
    `"${m.comment}"`,
  ].join(' · ');

/** Mutes a channel (or, from the page and the CLI, every channel) from now; the mute's id and end. */
export async function addMute(
  deps: ActionDeps,
  actor: Actor,
  m: MuteRequest,
): Promise<ActionResult<{ id: number; endsAt: number }>> {
  const now = deps.clock();
  const detail = muteDetail(m, now + m.ms);
  const target = m.channel === null ? 'every channel' : `channel ${m.channel}`;
  const bad = !(m.ms > 0 && m.ms <= MAX_MUTE_MS)
    ? 'a mute lasts at most 90 days'
    : m.comment.trim() === '' || m.comment.length > MAX_MUTE_COMMENT
      ? `a comment of 1 to ${MAX_MUTE_COMMENT} characters says why`
      : m.channel !== null && !deps.knownChannel(m.channel)
        ? `unknown channel "${m.channel}" (channels: ${deps.channelNames().join(', ')})`
        : m.channel === null && actor.via === 'chat'
          ? 'a chat command mutes only the channel it is typed in'
          : null;
  if (bad) return record(deps, actor, 'mute.add', target, 'refused', `${detail}: ${bad}`, bad);
  if (m.channel !== null) {
    const no = await refuseUnlessAllowed(deps, actor, m.channel, 'mute.add', detail);
    if (no) return no;
  }
  const made = newMute({ ...m, by: byLabel(actor) }, m.ms, now);
  const facts = { action: 'mute.add', target: 'mute', outcome: 'done', detail } as const;
  const r = await deps.store.transaction([muteSteps.add(made), entryStep(actor, now, facts, { idFrom: [0, 'id'] })]);
  return { ok: true, id: firstId(r![0])!, endsAt: made.endsAt };
}

/**
 * Ends a mute in force now and, with `send`, queues once what it held: `sent` is how many
 * (null without `send`). With `channel` (chat), only that channel's own mutes.
 */
export async function expireMute(
  deps: ActionDeps,
  actor: Actor,
  id: number,
  opts: { send: boolean; channel?: string },
): Promise<ActionResult<{ sent: number | null }>> {
  const now = deps.clock();
  const detail = opts.send ? 'ended; what it held sent' : 'ended';
  const target = `mute #${id}`;
  const mute = (await deps.store.listMutes({ activeAt: now })).find((m) => m.id === id);
  const scope = opts.channel ?? mute?.channel ?? null;
  if (!mute || (opts.channel !== undefined && mute.channel !== opts.channel)) {
    const why = `no mute #${id}${opts.channel ? ' of this channel' : ''} is in force`;
    return record(deps, actor, 'mute.expire', target, 'refused', `${detail}: ${why}`, why);
  }
  if (scope !== null) {
    const no = await refuseUnlessAllowed(deps, actor, scope, 'mute.expire', `${target} ${detail}`);
    if (no) return no;
  }
  const steps: TxStep[] = [muteSteps.expire(id, now)];
  if (opts.send) steps.push(muteSteps.release(id, now));
  steps.push(
    entryStep(
      actor,
      now,
      { action: 'mute.expire', target, outcome: 'done', detail: opts.send ? `${detail}: {n}` : detail },
      opts.send ? { countFrom: 1 } : {},
    ),
  );
  const r = await deps.store.transaction(steps);
  if (r === null)
    return record(
      deps,
      actor,
      'mute.expire',
      target,
      'refused',
      `${detail}: it had ended`,
      `no mute #${id} is in force`,
    );
  if (!opts.send) return { ok: true, sent: null };
  deps.queued();
  return { ok: true, sent: rowsOf(r[1]).length };
}

/** Queues once what an ended mute held (`resend --mute`, the page's "send held"); how many. */
export async function sendHeld(deps: ActionDeps, actor: Actor, id: number): Promise<ActionResult<{ sent: number }>> {
  const now = deps.clock();
  const target = `mute #${id}`;
  const mute = (await deps.store.listMutes({ limit: 10_000 })).find((m) => m.id === id);
  const why = !mute
    ? `no mute #${id}`
    : mute.endsAt > now
      ? `mute #${id} is still in force: end it and send what it held with mute expire ${id} --send-held`
      : null;
  if (why) return record(deps, actor, 'mute.send-held', target, 'refused', why, why);
  const facts = { action: 'mute.send-held', target, outcome: 'done', detail: 'held deliveries queued: {n}' } as const;
  const r = await deps.store.transaction([muteSteps.release(id, now), entryStep(actor, now, facts, { countFrom: 0 })]);
  deps.queued();
  return { ok: true, sent: rowsOf(r![0]).length };
}
