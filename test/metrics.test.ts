import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, startTestService, tempDir, until } from './helpers/service.ts';
import { createdBody, vccFixture } from './helpers/fixtures.ts';
import { FakeSlack } from './fakes/slack.ts';

const SECRET = 'metrics-secret';
const q = { 'secret-key': SECRET };

test('metrics after a known sequence of events; readyz names the config', async (t) => {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    'channels:\n  ops: { type: slack, channel: C0M }\nroutes:\n  - channel: ops\n    events: [user.created]\n',
  );
  const svc = await startTestService(
    { VCC_WEBHOOK_SECRET: SECRET, VCC_NOTIFY_CONFIG: cfg, SLACK_BOT_TOKEN: 'xoxb-m', SLACK_API_URL: slack.apiUrl },
    { dir, pollMs: 50 },
  );
  try {
    slack.script.push({ error: 'channel_not_found' });
    await svc.send(createdBody({ username: 'm1' }), { query: q });
    await until(
      async () => (await svc.store.listDeliveries({ status: 'dead', limit: 1 })).length === 1,
      60_000,
      'dead',
    );
    slack.script.push({ status: 429, retryAfter: 0 });
    await svc.send(createdBody({ username: 'm2' }), { query: q });
    await until(
      async () => (await svc.store.listDeliveries({ status: 'sent', limit: 1 })).length === 1,
      60_000,
      'sent',
    );
    await svc.send(vccFixture('user-changed'), { query: q });
    await svc.send(vccFixture('user-changed'), { query: q });
    await svc.send(createdBody(), { query: { 'secret-key': 'wrong' } });
    await svc.send({ old: null, new: { state: 1 } }, { query: q });

    const res = await fetch(`${svc.url}/metrics`);
    t.is(res.status, 200);
    t.regex(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    const line = (s: string) => t.true(text.split('\n').includes(s), `missing: ${s}`);
    line('vcc_notify_events_received_total{kind="user.created"} 2');
    line('vcc_notify_events_received_total{kind="user.updated"} 1');
    line('vcc_notify_events_duplicate_total 1');
    line('vcc_notify_requests_refused_total{reason="unauthorized"} 1');
    line('vcc_notify_requests_refused_total{reason="invalid_payload"} 1');
    line('vcc_notify_deliveries_total{channel="ops",outcome="dead"} 1');
    line('vcc_notify_deliveries_total{channel="ops",outcome="sent"} 1');
    line('vcc_notify_delivery_attempts_total{channel="ops",outcome="permanent"} 1');
    line('vcc_notify_delivery_attempts_total{channel="ops",outcome="retry"} 1');
    line('vcc_notify_delivery_attempts_total{channel="ops",outcome="sent"} 1');
    line('vcc_notify_rate_limited_total{channel="ops"} 1');
    line('vcc_notify_queue_depth 0');
    t.regex(text, /^vcc_notify_event_loop_delay_max_seconds \d+(\.\d+)?(e-?\d+)?$/m);
    line('vcc_notify_oldest_pending_age_seconds 0');
    line('vcc_notify_delivery_latency_seconds_count{channel="ops"} 1');
    t.false(text.includes('xoxb-m'));
    const ready = (await (await fetch(`${svc.url}/readyz`)).json()) as { status: string; config: string };
    t.is(ready.status, 'ready');
    t.is(ready.config, cfg);
  } finally {
    await svc.stop();
    await slack.stop();
    cleanup(dir);
  }
});
