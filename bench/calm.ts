import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../test/fakes/slack.ts';
import { startTestService, tempDir, until, cleanup } from '../test/helpers/service.ts';
import { agentStory } from '../test/helpers/agentStory.ts';

export interface CalmResult {
  channel: string;
  topLevel: number;
  replies: number;
  edits: number;
  rateLimited: number;
  lost: number;
  repeated: number;
}

/** The changes each agent goes through after being created, in order (each a distinct message title). */
const CHANGES = [{ privGroup: 4 }, { registerTransport: 'sip-udp' }, { state: 'inactive' }, { state: 'active' }];
const TITLES = ['New agent', 'Role changed', 'SIP transport changed', 'Deactivated', 'Reactivated'];

/**
 * The "calm channel": `agents` agents created one at a time, then each changed CHANGES.length
 * times, interleaved (every agent's first change, then every agent's second, ...), each event
 * sent once the previous one is in both channels: one Slack channel with `thread: agent`
 * beside one without, same service, same events, a fake Slack that answers 429 past 1 msg/s
 * per channel. Per channel: top-level messages, thread replies, root edits, 429s drawn, and
 * events whose message is missing (lost) or there twice (repeated).
 */
export async function benchCalm(agents: number): Promise<CalmResult[]> {
  const slack = await new FakeSlack({ perChannelPerSecond: true }).start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    'channels:\n  calm: { type: slack, channel: C0CALM, thread: agent }\n  plain: { type: slack, channel: C0PLAIN }\nroutes:\n  - channel: calm\n  - channel: plain\n',
  );
  const svc = await startTestService(
    {
      VCC_WEBHOOK_SECRET: 's',
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-calm',
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: 'warn',
    },
    { dir },
  );
  try {
    const stories = Array.from({ length: agents }, (_, i) => agentStory(90_000 + i, `calm_${i}`, `Calm Agent ${i}`));
    const bodies = [...stories.map((s) => s.created()), ...CHANGES.flatMap((c) => stories.map((s) => s.change(c)))];
    for (const body of bodies) {
      const before = slack.posts.length;
      const res = await svc.send(body, { query: { 'secret-key': 's' } });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await until(() => slack.posts.length >= before + 2, 120_000, 'both channels');
    }
    await until(
      async () =>
        (await svc.store.queueStats()).pending === 0 &&
        (await svc.store.editsDue('calm', Date.now() + 120_000, 1)).length === 0,
      300_000,
      'drained and edited',
    );
    return ['calm', 'plain'].map((name) => count(slack, name === 'calm' ? 'C0CALM' : 'C0PLAIN', name, agents));
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
}

function count(slack: FakeSlack, id: string, name: string, agents: number): CalmResult {
  const posts = slack.posts.filter((p) => p.channel === id);
  const top = posts.filter((p) => p.fields.thread_ts === undefined);
  // Each event's message title, once: the root stands for the creation on the threaded channel
  // (its text, edited, says the agent's latest change, which its reply says too).
  const seen = new Map<string, number>();
  for (const p of posts) {
    const m = /^(?:(.+): )?(Calm Agent \d+)$/.exec(p.text);
    if (!m) continue;
    const root = name === 'calm' && p.fields.thread_ts === undefined;
    const key = `${root ? 'New agent' : (m[1] ?? 'New agent')}|${m[2]}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const expected = Array.from({ length: agents }, (_, i) => TITLES.map((t) => `${t}|Calm Agent ${i}`)).flat();
  return {
    channel: name,
    topLevel: top.length,
    replies: posts.length - top.length,
    edits: slack.updates.filter((u) => u.channel === id).length,
    rateLimited: slack.rateLimitedBy.get(id) ?? 0,
    lost: expected.filter((k) => !seen.has(k)).length,
    repeated: expected.filter((k) => (seen.get(k) ?? 0) > 1).length,
  };
}
