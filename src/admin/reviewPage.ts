import type Router from '@koa/router';
import type { Context } from 'koa';
import { REASON_MAX, type Review } from '../domain/reviews.ts';
import { ON_THE_ADMIN_PAGE } from '../actions/reviewActions.ts';
import { reviewSettingsOf } from '../config/reviewSettings.ts';
import { decisionOf } from '../platforms/registry.ts';
import { reviewLine } from '../render/reviewText.ts';
import type { AdminDeps } from './AdminDeps.ts';
import type { AdminKit } from './adminKit.ts';
import type { AdminUser } from './auth.ts';
import { html, type SafeHtml } from './html.ts';
import { time } from './layout.ts';

const ANSWERS = {
  expected: 'Marked expected: the channel is told who decided.',
  'not-expected': 'Marked not expected: the channel is told, and the escalation was sent.',
} as const;

/** The review `ctx.params.id` names, or null (answered 404). */
async function reviewOf(ctx: Context, deps: AdminDeps, kit: AdminKit): Promise<Review | null> {
  const id = /^[1-9]\d{0,15}$/.test(String(ctx.params.id)) ? Number(ctx.params.id) : null;
  const review = id === null ? null : await deps.store.getReview(id);
  if (!review) {
    ctx.status = 404;
    kit.send(ctx, 'Review', html`<p>No review #${String(ctx.params.id).slice(0, 20)}.</p>`);
  }
  return review;
}

/** Why `user` cannot decide `review` here, or null when they can (the action checks it all again). */
function whyNot(review: Review, reviewers: readonly string[], user: AdminUser, byLink: boolean): string | null {
  if (review.status !== 'pending') return 'It is decided.';
  if (!byLink) return "Its channel's reviewers decide with the buttons on its message in the chat.";
  if (user.role !== 'operator') return 'Viewers read; deciding needs an operator (ADMIN_OPERATORS).';
  const email = user.session?.email?.toLowerCase();
  if (!email || !reviewers.some((r) => r.toLowerCase() === email))
    return `Only the channel's reviewers decide (${reviewers.join(', ') || 'none'}), signed in with that address.`;
  return null;
}

/**
 * `/admin/reviews/ID`: one review request, what changed and its state; on a channel decided by
 * link (a webhook: its message carries a Review link here), a signed-in operator whose e-mail is
 * among the channel's reviewers decides with the same rules as a click in chat (first answer
 * wins, no self-review), and the channel is told with a new message.
 */
export function mountReviewPage(router: Router, deps: AdminDeps, kit: AdminKit): void {
  const reviewersOf = (channel: string) =>
    reviewSettingsOf(deps.config(), channel, (c) => deps.subscriptions.settingOf('reviewers', c)?.reviewers)
      ?.reviewers ?? [];
  router.get('/admin/reviews/:id', kit.guard, async (ctx) => {
    const review = await reviewOf(ctx, deps, kit);
    if (!review) return;
    const reviewers = reviewersOf(review.channel);
    const byLink = decisionOf(deps.channelConfig(review.channel)?.type ?? '')?.by === 'link';
    const why = whyNot(review, reviewers, kit.user(ctx), byLink);
    const answer = typeof ctx.query.answer === 'string' ? ctx.query.answer.slice(0, 600) : null;
    kit.send(
      ctx,
      `Review #${review.id}`,
      reviewView(review, reviewers, why === null ? kit.csrfField(ctx) : null, why, answer),
    );
  });
  router.post('/admin/reviews/:id/decide', kit.guard, kit.operator('review.decide'), async (ctx) => {
    const review = await reviewOf(ctx, deps, kit);
    const f = review ? await kit.form(ctx) : null;
    if (!review || !f || !kit.csrfOk(ctx, f)) return;
    const status = f.get('status') === 'not-expected' ? 'not-expected' : 'expected';
    const reason = f.get('reason')?.trim() || null;
    const r = await deps.actions.decideReview(kit.actor(ctx), {
      reviewId: review.id,
      at: ON_THE_ADMIN_PAGE,
      status,
      reason,
    });
    const said = r.ok ? ANSWERS[status] : `Not changed: ${r.reason}`;
    ctx.redirect(`/admin/reviews/${review.id}?answer=${encodeURIComponent(said)}`);
    ctx.status = 303;
  });
}

function reviewView(
  r: Review,
  reviewers: readonly string[],
  csrf: SafeHtml | null,
  why: string | null,
  answer: string | null,
): SafeHtml {
  return html`<h2>Review #${r.id}</h2>
    ${answer ? html`<p class="${answer.startsWith('Not changed') ? 's-dead' : 's-sent'}">${answer}</p>` : ''}
    <p>
      Channel ${r.channel} · event <a href="/admin/events/${r.eventId}">#${r.eventId}</a> · VCC user
      ${r.username ?? r.userId ?? '(unknown)'} · asked ${time(r.askedAt)}
    </p>
    <ul>
      ${r.what.map((w) => html`<li>${w}</li>`)}
    </ul>
    <p><b>${reviewLine(r, reviewers)}</b></p>
    ${r.remindersSent ? html`<p class="muted">Reminders sent: ${r.remindersSent}${r.escalatedAt ? html`; escalated ${time(r.escalatedAt)}` : ''}</p>` : ''}
    ${
      csrf
        ? html`<form method="post" action="/admin/reviews/${r.id}/decide">
              ${csrf}<input type="hidden" name="status" value="expected" /><button>Expected</button>
            </form>
            <form method="post" action="/admin/reviews/${r.id}/decide">
              ${csrf}<input type="hidden" name="status" value="not-expected" />
              <label
                >Why was it not expected? (needed)<br /><textarea
                  name="reason"
                  required
                  maxlength="${REASON_MAX}"
                  rows="3"
                  cols="60"
                ></textarea></label
              ><br /><button>Not expected</button>
            </form>`
        : html`<p class="muted">${why ?? ''}</p>`
    }`;
}
