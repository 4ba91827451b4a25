import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../test/fakes/slack.ts';
import { agentStory } from '../test/helpers/agentStory.ts';
import { blockActions, slackSignature } from '../test/helpers/slackSign.ts';
import { spawnBench, stopBench } from './scaleProcess.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

export interface ClickResult {
  decisions: number;
  ackP50: number;
  ackP99: number;
  answerP50: number;
  answerP99: number;
}

/** Channels the requests are spread over, so Slack's 1 message a second per channel does not pace the bench. */
const CHANNELS = 20;

/**
 * `n` review requests over CHANNELS Slack channels, then one Expected click on each, one at a time:
 * how long Slack waits for the HTTP acknowledgement (its 3-second window), and how long until
 * the clicker's private answer (the decision recorded, through response_url).
 */
export async function benchReviewClicks(n: number): Promise<ClickResult> {
  const slack = await new FakeSlack().start();
  slack.groups.set('S0BENCH', ['U0BENCH']);
  const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-reviews-'));
  const cfg = join(dir, 'vcc-notify.yaml');
  const names = Array.from({ length: CHANNELS }, (_, i) => `sec${i}`);
  writeFileSync(
    cfg,
    `channels:\n${names.map((c) => `  ${c}: { type: slack, channel: C0${c.toUpperCase()}, reviewers: [S0BENCH] }\n`).join('')}` +
      `routes:\n${names.map((c, i) => `  - channel: ${c}\n    review: true\n    where: { userId: [${Array.from({ length: Math.ceil(1000 / CHANNELS) }, (_, k) => 90_000 + i + k * CHANNELS).join(', ')}] }\n`).join('')}`,
  );
  const svc = await spawnBench(join(dir, 'reviews.db'), {
    VCC_WEBHOOK_SECRET: 's',
    VCC_NOTIFY_CONFIG: cfg,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-signing',
    SLACK_API_URL: slack.apiUrl,
  });
  const acks: number[] = [];
  const answers: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${svc.base}/webhooks/vcc/users?secret-key=s`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(agentStory(90_000 + i, `bench_${i}`).change({ privGroup: 5 })),
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    }
    const deadline = Date.now() + 600_000;
    while (slack.posts.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const [i, post] of slack.posts.slice(0, n).entries()) {
      const value = post.blocks.find((b: any) => b.type === 'actions').elements[0].value as string;
      const body = blockActions({
        user: 'U0BENCH',
        channel: post.channel,
        ts: post.ts!,
        actionId: 'review.expected',
        value,
        responseUrl: slack.responseUrl(`c${i}`),
      });
      const t0 = performance.now();
      const res = await fetch(`${svc.base}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature('bench-signing', body) },
        body,
      });
      acks.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`click answered ${res.status}`);
      while (!slack.responses.some((r) => r.id === `c${i}`)) await new Promise((r) => setImmediate(r));
      answers.push(performance.now() - t0);
    }
    const decisions = slack.responses.filter((r) => String(r.body.text).startsWith('Marked expected')).length;
    return {
      decisions,
      ackP50: pct(acks, 50),
      ackP99: pct(acks, 99),
      answerP50: pct(answers, 50),
      answerP99: pct(answers, 99),
    };
  } finally {
    await stopBench(svc);
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
