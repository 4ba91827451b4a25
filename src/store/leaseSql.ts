/**
 * The channel leases' statements in both dialects (`$name` parameters): one instance at a
 * time works a channel; an expired lease, or the owner's own, may be taken.
 */
export const LEASE_SQL = {
  claim: `INSERT INTO channel_leases (channel, owner, lease_until) VALUES ($channel, $owner, $until)
          ON CONFLICT (channel) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
          WHERE channel_leases.lease_until < $now OR channel_leases.owner = excluded.owner
          RETURNING last_send_at`,
  release: `UPDATE channel_leases SET lease_until = 0, last_send_at = COALESCE($last, last_send_at)
            WHERE channel = $channel AND owner = $owner`,
} as const;

/** A claim's answer: null when another instance holds the lease, else when the channel last sent. */
export const claimed = (r: { last_send_at: number | string | null } | undefined | null) =>
  r ? { lastSendAt: r.last_send_at === null ? null : Number(r.last_send_at) } : null;
