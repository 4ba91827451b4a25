import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite.ts';

/**
 * A store and config for the ingest bench's "hours and mutes" target: ten time intervals, the
 * console channel and its route active in all of them (so it sends as the built-in config
 * does, and each delivery carries its route's hours), and 100 mutes in force that match
 * nobody (the worker checks each event against every one).
 */
export async function hoursAndMutes(): Promise<{ env: Record<string, string>; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-mutes-'));
  const intervals = Array.from(
    { length: 10 },
    (_, i) =>
      `  i${i}:\n    - times: [{ start_time: "00:00", end_time: "24:00" }]\n      location: ${['Europe/Budapest', 'America/New_York', 'UTC'][i % 3]}\n`,
  ).join('');
  const all = `[${Array.from({ length: 10 }, (_, i) => `i${i}`).join(', ')}]`;
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    `time_intervals:\n${intervals}channels:\n  log: { type: console, active: ${all} }\nroutes:\n  - channel: log\n    active: ${all}\n`,
  );
  const db = join(dir, 'bench.db');
  const store = await SqliteStore.open(db);
  const now = Date.now();
  for (let i = 0; i < 100; i += 1)
    await store.addMute({
      channel: null,
      kinds: null,
      where: [{ field: 'username', op: '=', values: [`nobody_${i}`] }],
      startsAt: now,
      endsAt: now + 86_400_000,
      comment: `bench ${i}`,
      createdBy: 'bench',
      createdAt: now,
    });
  await store.close();
  return { env: { VCC_NOTIFY_CONFIG: cfg, DATABASE_URL: `sqlite:${db}` }, dir };
}

/**
 * A config for the ingest bench's "reviewed routes" target: the console as the built-in config
 * has it, beside a Slack channel with reviewers and a reviewed route that the bench's events
 * do not match (so the worker's work is the baseline's, and ingest pays for the routing).
 */
export function reviewedRoutes(): { env: Record<string, string>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-bench-reviews-'));
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    [
      'channels:',
      '  log: { type: console }',
      '  sec: { type: slack, channel: C0SEC, reviewers: [U0ALICE, S0SECOPS], escalate: [U0BOSS] }',
      'routes:',
      '  - channel: log',
      '  - channel: sec',
      '    events: [user.role_changed, user.created]',
      '    where: { privGroup: [99] }',
      '    review: true',
      '',
    ].join('\n'),
  );
  return { env: { VCC_NOTIFY_CONFIG: cfg }, dir };
}
