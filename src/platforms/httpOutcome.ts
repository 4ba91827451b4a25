import type { SendOutcome } from '../delivery/Adapter.ts';

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `now`. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Classifies a webhook-style HTTP answer: 2xx sent; 429 and 408 and 5xx retry (with
 * Retry-After when given); any other 4xx permanent. `what` names the target in reasons.
 */
export function classifyHttp(
  status: number,
  retryAfter: string | null,
  bodyExcerpt: string,
  what: string,
  now: number,
): SendOutcome {
  if (status >= 200 && status < 300) return { status: 'sent' };
  const detail = bodyExcerpt.trim().slice(0, 200);
  const reason = `${what} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 429 || status === 408 || status >= 500) {
    const after = retryAfterMs(retryAfter, now);
    return {
      status: 'retry',
      reason,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      rateLimited: status === 429,
    };
  }
  return { status: 'permanent', reason };
}

/** POSTs JSON; network failures are a retry. The URL (a secret) never enters a reason. */
export async function postJson(
  fetcher: typeof fetch,
  url: string,
  body: unknown,
  what: string,
  now: () => number,
): Promise<SendOutcome> {
  let res: Response;
  try {
    res = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    return { status: 'retry', reason: `${what} unreachable: ${(e as Error).name}` };
  }
  const text = await res.text().catch(() => '');
  return classifyHttp(res.status, res.headers.get('retry-after'), text, what, now());
}
