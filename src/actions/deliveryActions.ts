import { resendDeliveries } from '../routing/route.ts';
import type { DeliveryStatus } from '../domain/events.ts';
import { deliverySteps, resendResult, rowsOf } from '../store/writeSteps.ts';
import { utcMinute } from '../render/utcMinute.ts';
import type { Actor } from './Actor.ts';
import type { ActionDeps } from './ActionDeps.ts';
import { entryStep, type ActionResult } from './auditEntry.ts';
import { record } from './channelActions.ts';

/** Re-queues dead deliveries: by id, or of a channel, or those that died since a time; how many. */
export async function replay(
  deps: ActionDeps,
  actor: Actor,
  which: { channel?: string; since?: number; ids?: readonly number[] },
): Promise<ActionResult<{ queued: number }>> {
  const now = deps.clock();
  const target =
    which.ids?.length === 1 ? 'delivery' : which.channel !== undefined ? `channel ${which.channel}` : 'dead deliveries';
  const scope = [
    which.ids && which.ids.length !== 1 ? `deliveries ${which.ids.map((i) => `#${i}`).join(', ')}` : '',
    which.channel !== undefined ? `of ${which.channel}` : '',
    which.since !== undefined ? `dead since ${utcMinute(which.since)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const detail = `re-queued {n} dead${scope ? ` (${scope})` : ''}`;
  const facts = { action: 'replay', target, outcome: 'done', detail } as const;
  const idFrom = which.ids?.length === 1 ? ([0, 'id'] as const) : undefined;
  const audit = entryStep(actor, now, facts, { countFrom: 0, ...(idFrom ? { idFrom } : {}) });
  const r = await deps.store.transaction([deliverySteps.replay(which, now), audit]);
  const queued = rowsOf(r![0]).length;
  if (queued > 0) deps.queued();
  return { ok: true, queued };
}

/** One delivery a resend queued: where, its id, and what it was before (undefined: new). */
export interface Resent {
  channel: string;
  deliveryId: number;
  was: DeliveryStatus | undefined;
}

/**
 * Queues a stored event now: to `channel`, or to every channel the routes in force want it
 * for; each as a new delivery or the channel's existing one again.
 */
export async function resend(
  deps: ActionDeps,
  actor: Actor,
  eventId: number,
  channel?: string,
): Promise<ActionResult<{ resent: Resent[] }>> {
  const now = deps.clock();
  const target = `event #${eventId}`;
  const e = await deps.store.getEvent(eventId);
  const why = !e
    ? `no event ${eventId}`
    : channel !== undefined && !deps.knownChannel(channel)
      ? `unknown channel "${channel}" (channels: ${deps.channelNames().join(', ')})`
      : null;
  if (why || !e) return record(deps, actor, 'resend', target, 'refused', why!, why!);
  const plan = resendDeliveries(e.new, e.changes, deps.routes(), channel);
  if (plan.length === 0) {
    const none = `no route wants event ${eventId} now; name a channel`;
    return record(deps, actor, 'resend', target, 'refused', none, none);
  }
  const before = (await deps.store.deliveriesOf([e.id])).get(e.id) ?? [];
  const was = plan.map((d) => before.find((x) => x.channel === d.channel)?.status);
  const audits = plan.map((d, i) =>
    entryStep(
      actor,
      now,
      {
        action: 'resend',
        target: 'delivery',
        outcome: 'done',
        detail: `event #${eventId} to ${d.channel}${was[i] ? ` (was ${was[i]})` : ''}`,
      },
      { idFrom: [i, 'id'] },
    ),
  );
  const r = await deps.store.transaction([...plan.map((d) => deliverySteps.resend(e.id, d, now)), ...audits]);
  deps.queued();
  return {
    ok: true,
    resent: plan.map((d, i) => ({ channel: d.channel, deliveryId: resendResult(r![i])!.deliveryId, was: was[i] })),
  };
}

/** Sends the sample notification to a channel; the outcome is recorded (`failed` with the reason). */
export async function sendTest(deps: ActionDeps, actor: Actor, channel: string): Promise<ActionResult> {
  const outcome = await deps.sendTest(channel);
  const target = `channel ${channel}`;
  if (outcome.status !== 'sent')
    return record(deps, actor, 'test.send', target, 'failed', `sample failed: ${outcome.reason}`, outcome.reason);
  const facts = { action: 'test.send', target, outcome: 'done', detail: 'sample sent' } as const;
  await deps.store.transaction([entryStep(actor, deps.clock(), facts)]);
  return { ok: true };
}
