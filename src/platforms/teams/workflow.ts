import type { Adapter } from '../../delivery/Adapter.ts';
import { postJson } from '../httpOutcome.ts';
import { adaptiveCard, workflowEnvelope } from './card.ts';

/**
 * Teams Workflows webhook ("When a Teams webhook request is received"): the flow answers
 * 202 Accepted and runs later, so 202 (any 2xx) is sent, not a reason to retry.
 */
export function teamsWorkflowAdapter(
  url: string,
  fetcher: typeof fetch = fetch,
  now: () => number = Date.now,
): Adapter {
  return { send: (m) => postJson(fetcher, url, workflowEnvelope(adaptiveCard(m)), 'Teams workflow', now) };
}
