import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestService, until, type TestService } from './service.ts';
import type { FakeSlack } from '../fakes/slack.ts';
import { slackSignature, slashCommand } from './slackSign.ts';
import { WORKING } from '../../src/platforms/slack/ackDeadline.ts';

let commands = 0;

export const SECRET = 'cmd-webhook-secret';
export const SIGNING = 'slack-signing-secret';

const CONFIG =
  'channels:\n  ops: { type: slack, channel: C0FILE }\nroutes:\n  - channel: ops\n    events: [user.created]\n';

/** The real service with one Slack file channel (or `opts.config`) and `/vcc` commands, against `slack`. */
export async function start(
  dir: string,
  slack: FakeSlack,
  env: Record<string, string> = {},
  opts: { config?: string; clock?: () => number } = {},
) {
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(cfg, opts.config ?? CONFIG);
  return startTestService(
    {
      VCC_WEBHOOK_SECRET: SECRET,
      VCC_NOTIFY_CONFIG: cfg,
      SLACK_BOT_TOKEN: 'xoxb-cmd-token',
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING,
      ...env,
    },
    { dir, pollMs: 50, ...(opts.clock && { clock: opts.clock }) },
  );
}

/**
 * Posts `/vcc TEXT` as Slack would (signed); returns the status and the reply: the HTTP
 * answer, or, when the service answered WORKING (a slow machine), what it then sent to the
 * command's own `response_url`.
 */
export async function command(
  svc: TestService,
  slack: FakeSlack,
  text: string,
  opts: { channel?: string; user?: string; secret?: string; ts?: number; follow?: boolean } = {},
) {
  const body = slashCommand({
    text,
    channel_id: opts.channel ?? 'C0CHAT',
    user_id: opts.user ?? 'U0SUE',
    response_url: slack.responseUrl(`cmd-${++commands}`),
  });
  const id = `cmd-${commands}`;
  const res = await fetch(`${svc.url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...slackSignature(opts.secret ?? SIGNING, body, opts.ts),
    },
    body,
  });
  const raw = await res.text();
  let json: any = raw;
  try {
    json = JSON.parse(raw);
  } catch {
    /* plain */
  }
  if (json?.text === WORKING && opts.follow !== false) {
    await until(() => slack.responses.some((r) => r.id === id), 60_000, `the answer to /vcc ${text}`);
    json = slack.responses.find((r) => r.id === id)!.body;
  }
  return { status: res.status, json, id };
}
