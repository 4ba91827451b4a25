import type { Logger } from 'pino';

/** Slack wants an answer within 3 s (https://api.slack.com/interactivity/slash-commands#responding_to_commands). */
export const SLACK_ACK_MS = 2_500;

/** What a command hears when its answer is not ready in time: it follows through response_url. */
export const WORKING = 'Working on it… the answer follows here.';

/**
 * The acknowledgement of one Slack request, kept to Slack's window from when the request
 * arrived (however late the listener starts): `answer` is what the listener passed to `ack()`,
 * or, at SLACK_ACK_MS, WORKING for a command and the empty acknowledgement for anything else.
 * A listener's answer after that goes to the request's `response_url` (Slack's, from a verified
 * request), privately. `failed` answers at once that something went wrong. Both receivers (HTTP
 * and Socket Mode) send `answer` the way their transport acknowledges.
 */
export function ackDeadline(body: Record<string, any>, log: Logger) {
  let settle: (v: unknown) => void = () => {};
  const acked = new Promise<unknown>((resolve) => {
    settle = resolve;
  });
  let late = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<unknown>((resolve) => {
    timer = setTimeout(() => {
      late = true;
      resolve(typeof body.command === 'string' ? { response_type: 'ephemeral', text: WORKING } : '');
    }, SLACK_ACK_MS);
    timer.unref();
  });
  const answer = Promise.race([acked, deadline]).finally(() => clearTimeout(timer));
  return {
    answer,
    ack: async (response?: unknown) => {
      if (late) await followUp(body, response, log);
      else settle(response ?? '');
    },
    failed: () => settle({ response_type: 'ephemeral', text: 'Something went wrong; the vcc-notify log says what.' }),
  };
}

/** A listener's answer after the acknowledgement: to `response_url`, unless it has no text. */
async function followUp(body: Record<string, any>, response: unknown, log: Logger): Promise<void> {
  const r = response as { text?: unknown } | undefined;
  if (typeof body.response_url !== 'string' || typeof r?.text !== 'string') return;
  const res = await fetch(body.response_url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...r }),
  }).catch((e: Error) => ({ ok: false, status: e.message }));
  if (!res.ok) log.warn({ status: res.status }, 'a late Slack answer could not be sent through response_url');
}
