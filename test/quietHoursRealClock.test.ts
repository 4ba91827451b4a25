import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { agentStory } from './helpers/agentStory.ts';
import { FakeSlack } from './fakes/slack.ts';

const SECRET = 'quiet-real-secret';
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

test('quiet hours on the real clock: a quiet minute holds events until it ends, then sends them as one summary', async (t) => {
  // The quiet minute is the next whole minute that leaves at least 20 s to send in.
  const minute = 60_000;
  let start = Math.floor(Date.now() / minute) * minute;
  if (Date.now() - start > 40_000) start += minute;
  const end = start + minute;
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    `time_intervals:\n  now:\n    - times: [{ start_time: "${hhmm(start)}", end_time: "${hhmm(end) === '00:00' ? '24:00' : hhmm(end)}" }]\nchannels:\n  ops: { type: slack, channel: C0OPS, quiet: now }\nroutes:\n  - channel: ops\n`,
  );
  const svc = await startTestService(
    { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, SLACK_BOT_TOKEN: 'xoxb-q', SLACK_API_URL: slack.apiUrl },
    { dir, pollMs: 200 },
  );
  try {
    await until(() => Date.now() >= start, 2 * minute, 'the quiet minute');
    const stories = [agentStory(5201, 'real_a', 'Real A'), agentStory(5202, 'real_b', 'Real B')];
    for (const s of stories) t.is((await svc.send(s.created(), { query: { 'secret-key': SECRET } })).status, 200);
    const sentAt = Date.now();
    await until(() => slack.posts.length === 1, 3 * minute, 'the summary');
    t.true(slack.posts[0]!.at >= end, 'nothing before the quiet minute ended');
    t.true(sentAt < end, 'the events arrived inside it');
    t.regex(slack.posts[0]!.text, /^While you were away: 2 changes$/);
    await until(async () => (await svc.store.queueStats()).pending === 0, minute, 'drained');
    t.is(slack.posts.length, 1);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});
