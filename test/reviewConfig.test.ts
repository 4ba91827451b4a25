import test from 'ava';
import { linkReviewProblems } from '../src/config/adminSignIn.ts';
import { parseConfig } from '../src/config/loadConfig.ts';

const cases: Array<[string, string, RegExp]> = [
  [
    'a reviewed route to a webhook without reviewers',
    'channels:\n  hook: { type: slack-webhook, url: "https://hooks.example/x" }\nroutes:\n  - channel: hook\n    review: true\n',
    /routes\[0\]\.review \(line 5\): channel "hook" has no reviewers/,
  ],
  [
    'a reviewed route to a channel without reviewers',
    'channels:\n  sec: { type: slack, channel: C0SEC }\nroutes:\n  - channel: sec\n    review: true\n',
    /routes\[0\]\.review \(line 5\): channel "sec" has no reviewers: list who may decide under reviewers: on it/,
  ],
  [
    'a Teams reviewer that is not an Entra object id',
    'channels:\n  t: { type: teams, conversation: "19:x", reviewers: [alice] }\n',
    /channels\.t\.reviewers\[0\] \(line 2\): expected an Entra object id/,
  ],
  [
    'a Slack reviewer that is a name',
    'channels:\n  s: { type: slack, channel: C0S, reviewers: ["@alice"] }\n',
    /channels\.s\.reviewers\[0\] \(line 2\): expected a Slack user id \(U0123ABCD\) or user group id/,
  ],
  [
    'a reviewer of a channel decided by link that is not an e-mail address',
    'channels:\n  g: { type: google-chat, url: "https://chat.example/x", reviewers: [x] }\n',
    /channels\.g\.reviewers\[0\] \(line 2\): expected the reviewer's e-mail address \(as they sign in to the admin page\)/,
  ],
  [
    'remind_after under a minute',
    'channels:\n  s: { type: slack, channel: C0S, reviewers: [U0A], remind_after: 30s }\n',
    /channels\.s\.remind_after \(line 2\): "30s" is not a duration such as 30m, 4h or 1d \(at least 1m\)/,
  ],
  [
    'escalate without reviewers',
    'channels:\n  s: { type: slack, channel: C0S, escalate: [U0B] }\n',
    /channels\.s\.escalate \(line 2\): escalate needs reviewers: on the channel/,
  ],
];

for (const [name, yaml, problem] of cases) {
  test(`review config refused: ${name}`, (t) => {
    const e = t.throws(() => parseConfig(yaml, {}, 'vcc-notify.yaml'));
    t.regex(e!.message, problem);
  });
}

test('review config: reviewers, escalate, remind_after and reminders read, with defaults', (t) => {
  const c = parseConfig(
    'channels:\n  s: { type: slack, channel: C0S, reviewers: [U0A, S0G] }\n  t: { type: slack, channel: C0T, reviewers: [U0A], escalate: [U0B, here], remind_after: 2h, reminders: 0 }\nroutes:\n  - channel: s\n    review: true\n',
    {},
    'vcc-notify.yaml',
  );
  t.deepEqual(c.reviews, {
    s: { reviewers: ['U0A', 'S0G'], escalate: [], remindAfterMs: 4 * 3_600_000, reminders: 2 },
    t: { reviewers: ['U0A'], escalate: ['U0B', 'here'], remindAfterMs: 2 * 3_600_000, reminders: 0 },
  });
  t.is(c.routes[0]!.review, true);
});

test('a reviewed route to a webhook is decided by link: e-mail reviewers read; without sign-in to the admin page the start and check-config refuse it, naming the channel', (t) => {
  const c = parseConfig(
    'channels:\n  hook: { type: slack-webhook, url: "https://hooks.example/x", reviewers: [Olga@corp.example] }\n  sec: { type: slack, channel: C0S, reviewers: [U0A] }\nroutes:\n  - channel: hook\n    review: true\n  - channel: sec\n    review: true\n',
    {},
    'vcc-notify.yaml',
  );
  t.deepEqual(c.reviews.hook?.reviewers, ['Olga@corp.example']);
  t.deepEqual(linkReviewProblems(c, { ADMIN_OIDC_GROUPS_CLAIM: 'groups', ADMIN_SESSION_IDLE_HOURS: 12 }), [
    'channels.hook: type slack-webhook cannot send a click back, so its reviewers decide on the admin page by link: set ADMIN_OIDC_ISSUER (and PUBLIC_URL) so they can sign in there, or use a type with buttons (slack, teams)',
  ]);
  t.deepEqual(
    linkReviewProblems(c, {
      ADMIN_OIDC_ISSUER: 'https://id.example',
      ADMIN_OIDC_GROUPS_CLAIM: 'groups',
      ADMIN_SESSION_IDLE_HOURS: 12,
    }),
    [],
  );
});
