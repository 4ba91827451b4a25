/** When a failed send is tried again, and when it is given up. */
export interface RetryPolicy {
  /** A delivery older than this (since it was accepted) is dead after its next failure. */
  maxAgeMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAgeMs: 24 * 3600_000,
  maxAttempts: 50,
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
};

/**
 * What happens after a passing failure (`retry`): dead once `attempts` reaches the policy's
 * maximum or the oldest delivery is past its age limit; otherwise the next attempt after an
 * exponential backoff with jitter (half fixed, half random), or later if the platform said
 * Retry-After (heeded up to the policy's age limit: a longer wait would only end in dead).
 * The time is a whole millisecond, as the store keeps it. Pure: `random` is injected.
 */
export function afterRetryableFailure(
  policy: RetryPolicy,
  attempts: number,
  oldestCreatedAt: number,
  now: number,
  retryAfterMs: number | undefined,
  random: () => number,
): { dead: true } | { dead: false; nextAttemptAt: number } {
  if (attempts >= policy.maxAttempts || now - oldestCreatedAt >= policy.maxAgeMs) return { dead: true };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempts - 1));
  const jittered = backoff / 2 + random() * (backoff / 2);
  const asked = Math.min(retryAfterMs ?? 0, policy.maxAgeMs);
  return { dead: false, nextAttemptAt: Math.ceil(now + Math.max(jittered, asked)) };
}
