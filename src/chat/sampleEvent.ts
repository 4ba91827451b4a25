import type { StoredEvent } from '../store/Store.ts';

/** The event `/vcc test` and `send-test` render: a new agent, clearly marked as a sample. */
export function sampleEvent(now: number): StoredEvent {
  return {
    id: 0,
    dedupKey: 'sample',
    receivedAt: now,
    vccTimestamp: new Date(now).toISOString(),
    userId: '0',
    kinds: ['user.created'],
    old: null,
    new: {
      userId: '0',
      name: 'Sample Agent (test notification)',
      username: 'sample.agent',
      email: 'sample.agent@example.com',
      extension: '100',
      isAgent: true,
      privGroup: 4,
      state: 'active',
      registerTransport: 'sip-tcp',
    },
    changes: [{ kind: 'user.created', field: null, before: null, after: null, sensitive: false }],
  };
}
