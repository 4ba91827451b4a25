import { vccFixture } from './fixtures.ts';

let n = 0;

/**
 * One agent's life as VCC Live reports it: `created()` first, then `change({...})` for each
 * later change (the previous state as `old`). Every body has its own timestamp, so none is
 * a repeat of another.
 */
export function agentStory(userId: number, username: string, name = `Agent ${username}`) {
  let state: Record<string, unknown> = {
    ...vccFixture('user-created').new,
    userId,
    username,
    name,
    email: `${username}@example.com`,
    isAgent: true,
    privGroup: 1,
    state: 'active',
    registerTransport: 'sip-tcp',
  };
  const timestamp = () => {
    n += 1;
    return new Date(Date.UTC(2026, 11, 1, 9, 0, 0) + n * 1000).toISOString();
  };
  return {
    created: () => ({ old: null, new: state, timestamp: timestamp() }),
    change: (over: Record<string, unknown>) => {
      const old = state;
      state = { ...state, ...over };
      return { old, new: state, timestamp: timestamp() };
    },
  };
}
