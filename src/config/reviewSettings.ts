import { array, integer, object, optional, size, string, unknown, validate, type Infer } from 'superstruct';
import type { Mention } from '../routing/route.ts';
import { decisionOf, mentionSchema } from '../platforms/registry.ts';
import { givenKeys, pathText as fmt } from './problems.ts';

/** Who decides on a channel's review requests, and how long a request waits before it is reminded. */
export interface ReviewSettings {
  /** Platform user ids (and, on Slack, user group ids) allowed to decide. */
  reviewers: string[];
  /** Whom a "Not expected" and an unanswered request page (the route mention syntax). */
  escalate: Mention[];
  /** How long a request waits for a decision before a reminder (counted in the route's active hours). */
  remindAfterMs: number;
  /** Reminders before the request is escalated. */
  reminders: number;
}

export const DEFAULT_REMIND_AFTER_MS = 4 * 3_600_000;
export const DEFAULT_REMINDERS = 2;
const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const reviewKeys = object({
  reviewers: optional(size(array(unknown()), 1, 100)),
  escalate: optional(size(array(unknown()), 1, 20)),
  remind_after: optional(size(string(), 1, 10)),
  reminders: optional(size(integer(), 0, 10)),
});
export type ReviewKeys = Infer<typeof reviewKeys>;

/** `30m`, `4h`, `2d` in milliseconds: at least a minute, at most 30 days; null when not one. */
export function reviewDuration(s: string): number | null {
  const d = /^([1-9]\d{0,5})([mhd])$/.exec(s.trim().toLowerCase());
  const ms = d ? Number(d[1]) * UNITS[d[2] as keyof typeof UNITS] : NaN;
  return ms >= UNITS.m && ms <= 30 * UNITS.d ? ms : null;
}

/**
 * A channel's `reviewers:`, `escalate:`, `remind_after:` and `reminders:` as settings, or null
 * (none given, or a problem, noted one line per place). Each reviewer and escalation is
 * checked against the channel type's own syntax; a type that cannot take decisions refuses them.
 */
export function reviewSettings(
  keys: Record<keyof ReviewKeys, unknown>,
  type: string,
  base: string[],
  problems: string[],
  at: (path: Array<string | number>) => string,
): ReviewSettings | null {
  const r = givenKeys(keys, reviewKeys, base, problems, at);
  if (r === null) return null;
  const before = problems.length;
  const reviewer = decisionOf(type)?.reviewer;
  const first = (Object.keys(keys) as Array<keyof ReviewKeys>).find((k) => keys[k] !== undefined)!;
  if (!reviewer) return null; // an unknown type: said where the type is checked
  if (r.reviewers === undefined) {
    const p = [...base, first];
    problems.push(`${fmt(p)}${at(p)}: ${first} needs reviewers: on the channel`);
    return null;
  }
  const each = (list: unknown[] | undefined, key: string, shape: typeof reviewer | null) =>
    (list ?? []).forEach((v, i) => {
      const p = [...base, key, i];
      const [err] = shape ? validate(v, shape) : [new Error('this type cannot mention anyone')];
      if (err) problems.push(`${fmt(p)}${at(p)}: ${err.message}`);
    });
  each(r.reviewers, 'reviewers', reviewer);
  each(r.escalate, 'escalate', mentionSchema(type));
  const remind = r.remind_after === undefined ? DEFAULT_REMIND_AFTER_MS : reviewDuration(r.remind_after);
  if (remind === null) {
    const p = [...base, 'remind_after'];
    problems.push(`${fmt(p)}${at(p)}: "${r.remind_after}" is not a duration such as 30m, 4h or 1d (at least 1m)`);
  }
  if (problems.length > before || remind === null) return null;
  return {
    reviewers: r.reviewers as string[],
    escalate: (r.escalate ?? []) as Mention[],
    remindAfterMs: remind,
    reminders: r.reminders ?? DEFAULT_REMINDERS,
  };
}

/**
 * Why a route with `review: true` cannot go to this channel, or null: nobody may decide there
 * (no `reviewers:`). Nobody is a reviewer by default. (A channel decided by link also needs
 * sign-in to the admin page: `linkReviewProblems`, which knows the settings.)
 */
export function reviewRefusal(channel: string, reviews: Record<string, ReviewSettings>): string | null {
  return reviews[channel] ? null : `channel "${channel}" has no reviewers: list who may decide under reviewers: on it`;
}

/**
 * A channel's reviews: the config file's, or a chat-made channel's reviewers (with the default
 * reminders and no escalation), or null when nobody may decide there.
 */
export function reviewSettingsOf(
  config: { reviews: Record<string, ReviewSettings> },
  channel: string,
  chatReviewers: (channel: string) => readonly string[] | undefined,
): ReviewSettings | null {
  const file = config.reviews[channel];
  if (file) return file;
  const chat = chatReviewers(channel);
  return chat?.length
    ? { reviewers: [...chat], escalate: [], remindAfterMs: DEFAULT_REMIND_AFTER_MS, reminders: DEFAULT_REMINDERS }
    : null;
}
