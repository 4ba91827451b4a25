// Reviews: a decision asked of a channel's reviewers on one change (src/actions/ decides them).

/** Waiting for a decision, or decided one way or the other. */
export const REVIEW_STATUSES = ['pending', 'expected', 'not-expected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Who decided: the platform, the user id there, the name shown. */
export interface Decider {
  platform: string | null;
  id: string | null;
  name: string;
}

/** A request for a decision on one event in one channel, with its own copy of what changed. */
export interface Review {
  id: number;
  eventId: number;
  channel: string;
  /** The VCC user the change is about (id, username, e-mail: a reviewer cannot decide on their own account). */
  userId: string | null;
  username: string | null;
  email: string | null;
  /** What changed, one labelled line per change (kept here: a review outlives the event's retention). */
  what: string[];
  askedAt: number;
  status: ReviewStatus;
  decidedBy: Decider | null;
  decidedAt: number | null;
  /** Why it was not expected (required then; at most 500 characters). */
  reason: string | null;
  remindersSent: number;
  /** When it is next reminded (null: decided, or no more reminders). */
  nextRemindAt: number | null;
  escalatedAt: number | null;
  /** A reminder or escalation claimed but not yet sent (its reply failed, or the process stopped), else null. */
  owed: OwedReply | null;
  /** When the owed reply may be tried (again). */
  owedAt: number | null;
  /** How often the owed reply was tried. */
  owedTries: number;
}

/** The replies a pending request is owed. */
export type OwedReply = 'remind' | 'escalate';

/** A review to open (or find, when the event already has one in the channel). */
export type NewReview = Pick<
  Review,
  'eventId' | 'channel' | 'userId' | 'username' | 'email' | 'what' | 'askedAt' | 'nextRemindAt'
>;

/** The longest reason a "Not expected" keeps. */
export const REASON_MAX = 500;
