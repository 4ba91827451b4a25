import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, tempDir, until } from './helpers/service.ts';
import { runCli, stopService } from './helpers/child.ts';
import { signInWalk } from './helpers/oidcWalk.ts';
import { PEOPLE, signInSetup } from './helpers/oidcSetup.ts';
import { agentStory } from './helpers/agentStory.ts';
import { FakeSlack } from './fakes/slack.ts';

const SECRET = 'sign-in-webhook-secret';

/**
 * Posts a decision as the review page's form does, from a page loaded before (a decided review's
 * page has no form): the session's CSRF token, which its mutes page always carries.
 */
async function decide(url: string, id: number, session: string, fields: Record<string, string>) {
  const page = await (await fetch(`${url}/admin/mutes`, { headers: { cookie: `vcc_notify_admin=${session}` } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? 'none-on-the-page';
  const res = await fetch(`${url}/admin/reviews/${id}/decide`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `vcc_notify_admin=${session}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, ...fields }).toString(),
  });
  const to = res.headers.get('location') ?? '';
  return { status: res.status, answer: decodeURIComponent(/answer=([^&]*)/.exec(to)?.[1] ?? '') };
}

test('reviews by link: a Slack webhook channel carries a Review link; a signed-in operator among its reviewers decides on the admin page (first answer wins, no self-review), a viewer cannot; the channel is told in a new message, the escalation follows', async (t) => {
  const slack = await new FakeSlack().start();
  t.teardown(() => slack.stop());
  const cfgDir = tempDir();
  const cfg = join(cfgDir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    `channels:\n  hook:\n    type: slack-webhook\n    url: "${slack.hookUrl('T0/B0/hook')}"\n    reviewers: [olga@corp.example, vic@viewers.example]\n    escalate: [U0BOSS]\nroutes:\n  - channel: hook\n    events: [user.role_changed]\n    review: true\n`,
  );
  const s = await signInSetup(t, { VCC_NOTIFY_CONFIG: cfg });
  const send = (body: unknown) =>
    fetch(`${s.url}/webhooks/vcc/users?secret-key=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const hookPosts = () => slack.posts.filter((p) => p.via === 'webhook');
  try {
    t.is((await send(agentStory(8101, 'rachel_smith', 'Rachel Smith').change({ privGroup: 5 }))).status, 200);
    await until(() => hookPosts().length === 1, 60_000, 'the request');
    const request = JSON.stringify(hookPosts()[0]!.fields);
    t.true(request.includes(`${s.url}/admin/reviews/1`), request);
    t.regex(
      request,
      /Needs a decision: Expected or Not expected, by olga@corp\.example, vic@viewers\.example, on the admin page/,
    );
    t.notRegex(request, /review\.expected/, 'no buttons a webhook could not send back');

    const vic = await signInWalk(s.url, s.ca.caFile, PEOPLE.viewer.sub);
    const vicPage = await (
      await fetch(`${s.url}/admin/reviews/1`, { headers: { cookie: `vcc_notify_admin=${vic.session}` } })
    ).text();
    t.regex(vicPage, /Viewers read; deciding needs an operator/);
    t.is((await decide(s.url, 1, vic.session!, { status: 'expected' })).status, 403);

    const olga = await signInWalk(s.url, s.ca.caFile, PEOPLE.operator.sub);
    t.regex((await decide(s.url, 1, olga.session!, { status: 'not-expected' })).answer, /^Not changed: say why/);
    const done = await decide(s.url, 1, olga.session!, { status: 'not-expected', reason: 'not requested by HR' });
    t.deepEqual(done, {
      status: 303,
      answer: 'Marked not expected: the channel is told, and the escalation was sent.',
    });
    await until(() => hookPosts().length === 3, 60_000, 'the decision and the escalation');
    t.regex(
      JSON.stringify(hookPosts()[1]!.fields),
      /Not expected: Olga Operator &lt;olga@corp\.example&gt; at .* UTC, \\"not requested by HR\\"/,
    );
    t.regex(JSON.stringify(hookPosts()[2]!.fields), /<@U0BOSS>/);
    t.regex(
      (await decide(s.url, 1, olga.session!, { status: 'expected' })).answer,
      /Already marked not expected by Olga Operator/,
    );

    // Nobody decides on a change to their own account.
    await send(agentStory(8102, 'olga_o', 'Olga O').change({ privGroup: 5, email: 'OLGA@corp.example' }));
    await until(() => hookPosts().length === 4, 60_000, 'the second request');
    t.regex(
      (await decide(s.url, 2, olga.session!, { status: 'expected' })).answer,
      /nobody reviews a change to their own account/,
    );

    const audit = JSON.parse((await runCli(['audit', '--json', '--action', 'review.decide'], s.env)).stdout).entries;
    t.deepEqual(
      audit.map((e: Record<string, string>) => [e.outcome, e.via, e.actorId]),
      [
        ['refused', 'page', 'viewer-1'],
        ['refused', 'page', 'operator-1'],
        ['done', 'page', 'operator-1'],
        ['refused', 'page', 'operator-1'],
        ['refused', 'page', 'operator-1'],
      ],
    );
    const reviews = JSON.parse((await runCli(['reviews', '--json'], s.env)).stdout);
    t.like(reviews.reviews[0], {
      status: 'not-expected',
      reason: 'not requested by HR',
      decidedBy: { platform: null, id: 'operator-1' },
    });
  } finally {
    await stopService(s.svc);
    cleanup(s.dir);
    cleanup(cfgDir);
  }
});

test('check-config refuses a reviewed route to a webhook without sign-in to the admin page, naming the channel', async (t) => {
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    'channels:\n  hook: { type: google-chat, url: "https://chat.example/x", reviewers: [olga@corp.example] }\nroutes:\n  - channel: hook\n    review: true\n',
  );
  try {
    const r = await runCli(['check-config', cfg], {});
    t.is(r.code, 1);
    t.regex(
      r.stderr,
      /channels\.hook: type google-chat cannot send a click back, so its reviewers decide on the admin page by link: set ADMIN_OIDC_ISSUER/,
    );
  } finally {
    cleanup(dir);
  }
});
