// What a correct answer to hostile input looks like; shared by the property tests and the bench.
import { EVENT_KINDS } from '../../src/vcc/changes.ts';
import { USER_FIELDS } from '../../src/vcc/user.ts';
import type { Command } from '../../src/chat/grammar.ts';
import { termCondition } from '../../src/routing/conditions.ts';
import type { Store } from '../../src/store/Store.ts';

/** The codes the README's status table documents for a 400. */
const BAD_REQUEST_CODES = new Set(['invalid_payload', 'invalid_json', 'bad_request']);

/** Throws (with the answer) unless a webhook answer is one the README documents, and the store agrees. */
export async function checkWebhookAnswer(store: Store, answer: { status: number; json: any }): Promise<void> {
  const fail = (why: string) => {
    throw new Error(`${why}: ${answer.status} ${JSON.stringify(answer.json)}`);
  };
  if (answer.status === 200) {
    if (answer.json?.status !== 'accepted' && answer.json?.status !== 'duplicate')
      fail('200 without accepted/duplicate');
    const ev = await store.getEvent(answer.json.event);
    if (!ev) fail('200 but the event is not stored');
    if (ev!.kinds.some((k) => !(EVENT_KINDS as readonly string[]).includes(k)))
      fail(`unknown kind stored: ${ev!.kinds.join()}`);
    const unknown = Object.keys(ev!.new).filter((k) => !(USER_FIELDS as readonly string[]).includes(k));
    if (unknown.length > 0) fail(`unknown fields stored: ${unknown.join()}`);
    return;
  }
  if (answer.status !== 400) fail('undocumented status');
  const code = answer.json?.error?.code;
  if (!BAD_REQUEST_CODES.has(code) || typeof answer.json.error.message !== 'string' || answer.json.error.message === '')
    fail('400 without a documented code and a message');
  const [latest] = await store.listRefusals({ limit: 1 });
  if (latest?.code !== code) fail('400 not recorded as a refusal');
}

/** Throws unless `parsed` is a clear error or a command made only of known kinds, fields and terms. */
export function checkCommand(text: string, parsed: Command): void {
  const fail = (why: string) => {
    throw new Error(`${why}: ${JSON.stringify(text)} -> ${JSON.stringify(parsed)}`);
  };
  switch (parsed.action) {
    case 'error':
      if (!/Nothing was changed\. Example: \/vcc /.test(parsed.message)) fail('an error without the fixed advice');
      return;
    case 'subscribe':
      for (const w of parsed.where) {
        if (!(USER_FIELDS as readonly string[]).includes(w.field)) fail(`unknown field ${w.field}`);
        if (!termCondition(w).ok) fail('a term that does not compile');
      }
    // fall through: kinds are checked for both
    case 'unsubscribe':
      if (parsed.kinds.some((k) => !(EVENT_KINDS as readonly string[]).includes(k))) fail('unknown kind');
      return;
    default:
      if (!['list', 'test', 'help'].includes(parsed.action)) fail('unknown action');
  }
}
