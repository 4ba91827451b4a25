import { uniqueMentions, type Mention, type Route } from '../routing/route.ts';
import type {
  ChatHours,
  ChatSetting,
  ChatSettings,
  Mute,
  MuteStore,
  Subscription,
  SubscriptionStore,
} from '../store/Store.ts';
import { newMute } from '../store/MuteStore.ts';
import { EVENT_KINDS, type EventKind } from '../vcc/changes.ts';
import { termCondition, type Condition, type WhereTerm } from '../routing/conditions.ts';

/**
 * Subscriptions (and thread and hours settings) made from chat: kept in the store, mirrored in memory
 * so routing stays a pure, synchronous function at ingest. `refresh()` re-reads the store (other instances).
 */
export class Subscriptions {
  private subs: Subscription[] = [];
  private asRoutes: Route[] = [];
  private settings: { [K in ChatSetting]: Map<string, ChatSettings[K]> } = { thread: new Map(), hours: new Map() };

  /**
   * `maxPerChannel`: subscriptions one chat channel may hold (CHAT_MAX_SUBSCRIPTIONS);
   * `intervals`: the names of the config file's time intervals, which hours from chat use.
   */
  constructor(
    private readonly store: SubscriptionStore & Pick<MuteStore, 'addMute' | 'listMutes' | 'expireMute' | 'releaseHeld'>,
    private readonly clock: () => number,
    readonly maxPerChannel: number,
    readonly intervals: () => readonly string[] = () => [],
  ) {}

  async refresh(): Promise<void> {
    const [subs, thread, hours] = await Promise.all([
      this.store.listSubscriptions(),
      this.store.chatSettings('thread'),
      this.store.chatSettings('hours'),
    ]);
    this.subs = subs;
    this.settings = { thread, hours };
    this.asRoutes = this.subs.map(toRoute);
  }

  /** The chat-made channel's setting (`/vcc thread agent`, `/vcc hours quiet nights`), if it has it. */
  settingOf<K extends ChatSetting>(what: K, channel: string): ChatSettings[K] | undefined {
    return this.settings[what].get(channel) as ChatSettings[K] | undefined;
  }

  /** Sets (or, with null, removes) one of the channel's settings. */
  async setSetting<K extends ChatSetting>(what: K, channel: string, value: ChatSettings[K] | null, by: string) {
    await this.store.setChatSetting(what, channel, value, by, this.clock());
    await this.refresh();
  }

  /** Sets (or, with null, removes) the channel's hours; refused (the reason) when they name an unknown interval. */
  async setHours(channel: string, hours: ChatHours | null, by: string): Promise<true | string> {
    const known = this.intervals();
    const unknown = hours?.intervals.filter((n) => !known.includes(n)) ?? [];
    if (unknown.length > 0)
      return `unknown time interval "${unknown[0]}" (${known.length ? `the config file's time intervals: ${known.join(', ')}` : 'the config file defines none under time_intervals:'})`;
    await this.setSetting('hours', channel, hours, by);
    return true;
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

  /**
   * Adds kinds (none = all) for users matching `where`, paging `mention` (none = nobody new).
   * A subscription with the same where terms on the channel is widened instead of duplicated.
   * A new one past `maxPerChannel` is refused (the reason is returned) and nothing is saved.
   */
  async subscribe(
    channel: string,
    kinds: EventKind[],
    where: WhereTerm[],
    by: string,
    mention: Mention[] = [],
  ): Promise<true | string> {
    await this.refresh();
    const mine = this.forChannel(channel);
    const same = mine.find((s) => JSON.stringify(s.where) === JSON.stringify(where));
    if (!same && mine.length >= this.maxPerChannel) {
      return `this channel already has ${mine.length} subscriptions, the most it may hold (CHAT_MAX_SUBSCRIPTIONS); widen one or unsubscribe first`;
    }
    if (same) {
      const events = kinds.length === 0 || same.events === null ? null : [...new Set([...same.events, ...kinds])];
      await this.store.setSubscriptionEvents(same.id, events, uniqueMentions([...same.mention, ...mention]));
    } else {
      await this.store.addSubscription({
        channel,
        events: kinds.length ? kinds : null,
        where,
        mention,
        createdBy: by,
        createdAt: this.clock(),
      });
    }
    await this.refresh();
    return true;
  }

  /** Mutes this channel for `ms` from now (kinds none = all, users matching `where`); its id and end. */
  async mute(
    channel: string,
    ms: number,
    kinds: EventKind[],
    where: WhereTerm[],
    comment: string,
    by: string,
  ): Promise<{ id: number; endsAt: number }> {
    const now = this.clock();
    const id = await this.store.addMute(newMute({ channel, kinds, where, comment, by }, ms, now));
    return { id, endsAt: now + ms };
  }

  /** The mutes in force on this channel (its own and those on every channel). */
  async mutesOf(channel: string): Promise<Mute[]> {
    return (await this.store.listMutes({ activeAt: this.clock() })).filter(
      (m) => m.channel === null || m.channel === channel,
    );
  }

  /**
   * Ends one of this channel's own mutes now, and with `send` queues once what it held: null
   * when it has no such mute in force, else how many held deliveries were queued.
   */
  async unmute(channel: string, id: number, send = false): Promise<number | null> {
    const mine = (await this.mutesOf(channel)).some((m) => m.id === id && m.channel === channel);
    if (!mine || !(await this.store.expireMute(id, this.clock()))) return null;
    return send ? this.store.releaseHeld(id, this.clock()) : 0;
  }

  /** Removes kinds (none = everything) from the channel's subscriptions; returns how many changed. */
  async unsubscribe(channel: string, kinds: EventKind[]): Promise<number> {
    await this.refresh();
    let changed = 0;
    for (const s of this.forChannel(channel)) {
      const current = s.events ?? [...EVENT_KINDS];
      const left = kinds.length === 0 ? [] : current.filter((k) => !kinds.includes(k));
      if (left.length === current.length) continue;
      await this.store.setSubscriptionEvents(s.id, left);
      changed += 1;
    }
    await this.refresh();
    return changed;
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
    source: 'chat',
  };
}
