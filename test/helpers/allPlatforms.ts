import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlack } from '../fakes/slack.ts';
import { FakeTeamsWorkflow } from '../fakes/teamsWorkflow.ts';
import { FakeGoogleChat } from '../fakes/googleChat.ts';
import { cleanup, startTestService, tempDir, type TestService } from './service.ts';

export interface AllPlatforms {
  slack: FakeSlack;
  teams: FakeTeamsWorkflow;
  chat: FakeGoogleChat;
  svc: TestService;
  /** The service's environment (the CLI run with it sees the same channels). */
  env: Record<string, string> & { SLACK_BOT_TOKEN: string };
  stop(): Promise<void>;
}

/**
 * The real service with one channel of each type that needs no bot registration, each to its
 * fake: `api` (slack, channel C0API), `hook` (slack-webhook H0HOOK), `flow` (teams-workflow),
 * `gchat` (google-chat, space AAAAhr), `log` (console). URLs come from environment variables,
 * as the README advises. `routes` is the YAML of the config's `routes:`; `extra` is appended
 * to the file (more top-level keys, such as `labels:`).
 */
export async function startAllPlatforms(secret: string, routes: string, extra = ''): Promise<AllPlatforms> {
  const slack = await new FakeSlack().start();
  const teams = await new FakeTeamsWorkflow().start();
  const chat = await new FakeGoogleChat().start();
  const dir = tempDir();
  const cfg = join(dir, 'vcc-notify.yaml');
  writeFileSync(
    cfg,
    `channels:
  api: { type: slack, channel: C0API }
  hook: { type: slack-webhook, url: "\${HOOK_URL}" }
  flow: { type: teams-workflow, url: "\${FLOW_URL}" }
  gchat: { type: google-chat, url: "\${GCHAT_URL}" }
  log: { type: console }
routes: ${routes}
${extra}`,
  );
  const env = {
    VCC_WEBHOOK_SECRET: secret,
    VCC_NOTIFY_CONFIG: cfg,
    SLACK_BOT_TOKEN: 'xoxb-all-platforms',
    SLACK_API_URL: slack.apiUrl,
    HOOK_URL: slack.hookUrl('H0HOOK'),
    FLOW_URL: teams.url,
    GCHAT_URL: chat.urlFor('AAAAhr'),
  };
  const svc = await startTestService(env, { dir, pollMs: 50 });
  return {
    slack,
    teams,
    chat,
    svc,
    env,
    async stop() {
      await svc.stop();
      await slack.stop();
      await teams.stop();
      await chat.stop();
      cleanup(dir);
    },
  };
}
