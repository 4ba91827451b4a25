import { cleanup, tempDir, until } from './helpers/service.ts';
import { eachStore, testStore } from './helpers/stores.ts';
import { FakeSlack, type SlackPost } from './fakes/slack.ts';
import { SECRET, start } from './helpers/slackChat.ts';
import { blockActions, viewSubmission } from './helpers/slackSign.ts';
import { buttons, interact } from './helpers/slackReviews.ts';
import { agentStory } from './helpers/agentStory.ts';

const CONFIG = `channels:
  sec: { type: slack, channel: C0SEC, thread: agent, reviewers: [U0ALICE], escalate: [U0BOSS] }
routes:
  - channel: sec
    events: [user.created, user.state_changed]
  - channel: sec
    events: [user.role_changed]
    review: true
`;
const q = { query: { 'secret-key': SECRET } };

eachStore(
  "reviews in a threaded channel: the request is a reply of its own in the agent's thread (a new thread's too, after its root); the decision edits that reply, the escalation goes to the thread",
  async (t, kind) => {
    const slack = await new FakeSlack().start();
    const dir = tempDir();
    const store = await testStore(kind, dir);
    const svc = await start(dir, slack, {}, { config: CONFIG });
    const roots = () => slack.topLevel.filter((p) => p.channel === 'C0SEC');
    let n = 0;
    const click = (user: string, post: SlackPost, action: string) =>
      interact(
        svc,
        blockActions({
          user,
          channel: 'C0SEC',
          ts: post.ts!,
          actionId: action,
          value: buttons(post)[action]!,
          responseUrl: slack.responseUrl(`thr${++n}`),
        }),
      );
    try {
      // An agent with a thread: the role change asks in it, apart from the state change beside it.
      const rachel = agentStory(7001, 'rachel_smith', 'Rachel Smith');
      await svc.send(rachel.created(), q);
      await until(() => roots().length === 1, 60_000, "rachel's root");
      const rachelRoot = roots()[0]!;
      await svc.send(rachel.change({ privGroup: 5 }), q);
      await until(() => slack.repliesTo(rachelRoot.ts!).length === 1, 60_000, 'the request in her thread');
      const request = slack.repliesTo(rachelRoot.ts!)[0]!;
      t.deepEqual(Object.keys(buttons(request)), ['review.expected', 'review.not-expected']);
      t.regex(JSON.stringify(request.blocks), /Needs a decision: Expected or Not expected, by U0ALICE/);
      t.is(roots().length, 1, 'not in the channel');

      await click('U0ALICE', request, 'review.expected');
      await until(() => slack.updates.some((u) => u.ts === request.ts), 60_000, 'the request edited');
      const edited = slack.updates.find((u) => u.ts === request.ts)!;
      t.regex(JSON.stringify(edited.blocks), /Expected: reviewed by sue at .* UTC/);
      t.false(
        slack.updates.some((u) => u.ts === rachelRoot.ts && JSON.stringify(u.blocks).includes('reviewed by')),
        'the root shows the agent, not the decision',
      );

      // An agent without a thread whose first change asks: the root, then the request in its thread.
      const carol = agentStory(7002, 'carol_admin', 'Carol Admin');
      await svc.send(carol.change({ privGroup: 6 }), q);
      await until(() => roots().length === 2, 60_000, "carol's root");
      const carolRoot = roots()[1]!;
      t.deepEqual(buttons(carolRoot), {}, 'the root asks nothing');
      await until(() => slack.repliesTo(carolRoot.ts!).length === 1, 60_000, 'her request in her new thread');
      const second = slack.repliesTo(carolRoot.ts!)[0]!;
      await click('U0ALICE', second, 'review.not-expected');
      await until(() => slack.views.length === 1, 60_000, 'the modal');
      const sent = await interact(
        svc,
        viewSubmission({ user: 'U0ALICE', view: slack.views[0]!.view, text: 'not requested by HR' }),
      );
      t.is(sent.status, 200);
      await until(() => slack.updates.some((u) => u.ts === second.ts), 60_000, 'her request edited');
      t.regex(
        JSON.stringify(slack.updates.find((u) => u.ts === second.ts)!.blocks),
        /Not expected: sue at .* UTC, \\"not requested by HR\\"/,
      );
      await until(() => slack.repliesTo(carolRoot.ts!).length === 2, 60_000, 'the escalation in her thread');
      t.regex(slack.repliesTo(carolRoot.ts!)[1]!.text, /<@U0BOSS>/);
      t.is(roots().length, 2, 'nothing in the channel but the two roots');

      const sentAs = new Map(
        (await svc.store.listDeliveries({ channel: 'sec', limit: 20 })).map((d) => [d.ref, d.threadRef]),
      );
      t.is(sentAs.get(request.ts!), rachelRoot.ts!, "rachel's request knows its thread");
      t.is(sentAs.get(second.ts!), carolRoot.ts!, "carol's request knows the thread started for it");
    } finally {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    }
  },
);
