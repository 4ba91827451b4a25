import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../test/fakes/slack.ts';
import { startTestService, tempDir, until, cleanup } from '../test/helpers/service.ts';
import { createdBody } from '../test/helpers/fixtures.ts';

export interface DeliveryResult {
  events: number;
  messages: number;
  rateLimited: number;
  drainMs: number;
  lost: number;
  repeated: number;
}

/**
 * N "User Created" events in a burst to one Slack channel whose fake enforces 1 msg/s with
 * 429s: how many messages, 429s drawn, time to drain, events lost or repeated. On a SQLite
 * file of its own, or on the Postgres database `databaseUrl`.
 */
export async function benchDelivery(n: number, databaseUrl?: string): Promise<DeliveryResult> {
  const slack = await new FakeSlack({ perChannelPerSecond: true }).start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, 'channels:\n  ops: { type: slack, channel: C0BENCH }\nroutes:\n  - channel: ops\n');
  const svc = await startTestService(
    {
      VCC_WEBHOOK_SECRET: 's',
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: 'warn',
      ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    },
    { dir },
  );
  try {
    const names = Array.from({ length: n }, (_, i) => `bench_${String(i).padStart(5, '0')}`);
    const start = Date.now();
    for (let i = 0; i < n; i += 50) {
      await Promise.all(
        names
          .slice(i, i + 50)
          .map((username) => svc.send(createdBody({ isAgent: true, username }), { query: { 'secret-key': 's' } })),
      );
    }
    await until(
      async () => (await svc.store.listDeliveries({ status: 'pending', limit: 1 })).length === 0,
      120_000,
      'drain',
    );
    const drainMs = Date.now() - start;
    const posts = slack.posts.map((p) => JSON.stringify(p.blocks));
    const seen = names.map((u) => posts.filter((p) => p.includes(u)).length);
    return {
      events: n,
      messages: slack.posts.length,
      rateLimited: slack.rateLimited,
      drainMs,
      lost: seen.filter((c) => c === 0).length,
      repeated: seen.filter((c) => c > 1).length,
    };
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
}
