import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../test/fakes/slack.ts';
import { createdBody } from '../test/helpers/fixtures.ts';
import { spawnBench, stopBench } from './scaleProcess.ts';

export interface LatencyResult {
  samples: number;
  p50: number;
  p99: number;
  first: number[];
  baseP50: number;
  baseP99: number;
}

const CHANNELS = 16;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/**
 * Single events, one at a time, each from the webhook's 200 to the fake Slack recording the
 * message, in `rounds` freshly started service processes (so every round's first event after
 * start is a sample). Each event goes to a channel of its own in its round (16 channels routed
 * by username), so Slack's 1 msg/s per channel never delays one. Baseline: the same number of
 * posts straight from this process to the fake (the transport's floor).
 */
export async function benchLatency(rounds: number): Promise<LatencyResult> {
  const slack = await new FakeSlack().start();
  const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-latency-'));
  const cfg = join(dir, 'vcc-notify.yaml');
  const names = Array.from({ length: CHANNELS }, (_, i) => `lat${i}`);
  writeFileSync(
    cfg,
    `channels:\n${names.map((n) => `  ${n}: { type: slack, channel: C0${n.toUpperCase()} }\n`).join('')}routes:\n${names.map((n) => `  - channel: ${n}\n    where: { username: [${n}] }\n`).join('')}`,
  );
  const samples: number[] = [];
  const first: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const svc = await spawnBench(join(dir, `r${r}.db`), {
        VCC_WEBHOOK_SECRET: 's',
        VCC_NOTIFY_CONFIG: cfg,
        SLACK_BOT_TOKEN: 'xoxb-lat',
        SLACK_API_URL: slack.apiUrl,
      });
      try {
        for (const [i, username] of names.entries()) {
          const arrived = new Promise<number>((resolve) => {
            slack.onPost = () => resolve(performance.now());
          });
          const res = await fetch(`${svc.base}/webhooks/vcc/users?secret-key=s`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(createdBody({ username })),
          });
          const answered = performance.now();
          if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
          const ms = (await arrived) - answered;
          samples.push(Math.max(0, ms));
          if (i === 0) first.push(Math.max(0, ms));
        }
      } finally {
        await stopBench(svc);
      }
    }
    const base: number[] = [];
    for (let i = 0; i < samples.length; i++) {
      const t0 = performance.now();
      await fetch(`${slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
        body: JSON.stringify({ channel: 'C0BASE', text: 'x', blocks: [] }),
      });
      base.push(performance.now() - t0);
    }
    return {
      samples: samples.length,
      p50: pct(samples, 50),
      p99: pct(samples, 99),
      first,
      baseP50: pct(base, 50),
      baseP99: pct(base, 99),
    };
  } finally {
    slack.onPost = null;
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
