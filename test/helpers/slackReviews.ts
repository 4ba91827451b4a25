import type { TestService } from './service.ts';
import type { SlackPost } from '../fakes/slack.ts';
import { slackSignature } from './slackSign.ts';
import { SIGNING } from './slackChat.ts';

/** Posts a signed Slack interaction (form body `payload=...`) and returns its status and body. */
export async function interact(svc: TestService, body: string) {
  const res = await fetch(`${svc.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SIGNING, body) },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** The review buttons of a post: action id to value. */
export const buttons = (p: SlackPost): Record<string, string> =>
  Object.fromEntries(
    (p.blocks.find((b) => b.type === 'actions')?.elements ?? [])
      .filter((e: any) => e.value !== undefined)
      .map((e: any) => [e.action_id, e.value]),
  );
