import type { Route } from '../routing/route.ts';
import type { ChatSetting, ChatSettings, Mute, MuteStore, Subscription, SubscriptionStore } from '../store/Store.ts';
import { termCondition, type Condition, type WhereTerm } from '../routing/conditions.ts';

/**
 * Subscriptions (and thread and hours settings) made from chat, mirrored in memory from the
 * store so routing stays a pure, synchronous function at ingest. `refresh()` re-reads the
 * store (after an action changed them, or another instance did). Read only: changes are
 * actions (src/actions/).
 */
export class Subscriptions {
  private subs: Subscription[] = [];
  private asRoutes: Route[] = [];
  private settings: { [K in ChatSetting]: Map<string, ChatSettings[K]> } = {
    thread: new Map(),
    hours: new Map(),
    reviewers: new Map(),
  };

  constructor(
    private readonly store: Pick<SubscriptionStore, 'listSubscriptions' | 'chatSettings'> &
      Pick<MuteStore, 'listMutes'>,
    private readonly clock: () => number,
  ) {}

  async refresh(): Promise<void> {
    const [subs, thread, hours, reviewers] = await Promise.all([
      this.store.listSubscriptions(),
      this.store.chatSettings('thread'),
      this.store.chatSettings('hours'),
      this.store.chatSettings('reviewers'),
    ]);
    this.subs = subs;
    this.settings = { thread, hours, reviewers };
    this.asRoutes = this.subs.map(toRoute);
  }

  /** The chat-made channel's setting (`/vcc thread agent`, `/vcc hours quiet nights`), if it has it. */
  settingOf<K extends ChatSetting>(what: K, channel: string): ChatSettings[K] | undefined {
    return this.settings[what].get(channel) as ChatSettings[K] | undefined;
  }

  forChannel(channel: string): Subscription[] {
    return this.subs.filter((s) => s.channel === channel);
  }

  /**
   * Routes for every chat subscription (source `chat`), for the router: built (patterns
   * compiled) when the subscriptions are read, the same array until they are read again.
   */
  routes(): readonly Route[] {
    return this.asRoutes;
  }

  /** The mutes in force on this channel (its own and those on every channel). */
  async mutesOf(channel: string): Promise<Mute[]> {
    return (await this.store.listMutes({ activeAt: this.clock() })).filter(
      (m) => m.channel === null || m.channel === channel,
    );
  }
}

/** A stored term compiled again; one that no longer compiles (checked when made) matches nothing. */
function conditionOf(t: WhereTerm): Condition {
  const c = termCondition(t);
  return c.ok ? c.condition : [];
}

function toRoute(s: Subscription): Route {
  return {
    channel: s.channel,
    ...(s.events ? { events: s.events } : {}),
    ...(s.where.length
      ? { where: Object.fromEntries(s.where.map((t) => [t.field, conditionOf(t)])) as Route['where'] }
      : {}),
    ...(s.mention.length ? { mention: s.mention } : {}),
    ...(s.review ? { review: true as const } : {}),
    source: 'chat',
  };
}
