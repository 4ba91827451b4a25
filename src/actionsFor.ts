import type { NotifyConfig } from './config/NotifyConfig.ts';
import type { Route } from './routing/route.ts';
import type { Store } from './store/Store.ts';
import type { Subscriptions } from './chat/Subscriptions.ts';
import type { Channels } from './channels/Channels.ts';
import type { Actions } from './actions/Actions.ts';
import type { ReviewObserver } from './actions/ActionDeps.ts';
import { ChangePolicy } from './actions/ChangePolicy.ts';
import type { Logger } from 'pino';

/**
 * The actions layer as the service and the CLI build it: one policy (each platform's inbound
 * side sets its rule on it), and the actions over the store, the config's channels and
 * intervals, the chat-made channels' mirror and the worker's wake-up. The actions' code loads
 * on their first use (every action is async), not at start: the service answers sooner.
 */
export function actionsFor(d: {
  store: Store;
  clock: () => number;
  config: () => NotifyConfig;
  subscriptions: Subscriptions;
  channels: Pick<Channels, 'channelConfig' | 'sendTest' | 'senderFor'>;
  log: Logger;
  routes: () => readonly Route[];
  maxSubscriptions: number;
  wake: () => void;
  /** Review decisions and refused clicks, observed (metrics). */
  observeReviews?: ReviewObserver;
}): { actions: Actions; policy: ChangePolicy } {
  const policy = new ChangePolicy();
  let loading: Promise<Actions> | null = null;
  const load = () =>
    (loading ??= Promise.all([import('./actions/Actions.ts'), import('./channels/reviewMessages.ts')]).then(
      ([{ Actions }, { reviewDeps }]) => made(Actions, reviewDeps),
    ));
  const actions = new Proxy({} as Actions, {
    get: (_target, key) =>
      key === 'then'
        ? undefined
        : async (...args: unknown[]) => {
            const a = await load();
            return (a[key as keyof Actions] as (...xs: unknown[]) => unknown).apply(a, args);
          },
  });
  const made = (
    A: typeof import('./actions/Actions.ts').Actions,
    reviewDeps: typeof import('./channels/reviewMessages.ts').reviewDeps,
  ) =>
    new A({
      store: d.store,
      clock: d.clock,
      policy,
      maxSubscriptions: d.maxSubscriptions,
      intervals: () => Object.keys(d.config().timeIntervals),
      knownChannel: (name) => d.channels.channelConfig(name) !== null,
      channelNames: () => Object.keys(d.config().channels),
      routes: d.routes,
      changed: () => d.subscriptions.refresh(),
      queued: d.wake,
      sendTest: d.channels.sendTest,
      ...(d.observeReviews && { observeReviews: d.observeReviews }),
      reviews: reviewDeps({
        store: d.store,
        config: d.config,
        chatReviewers: (channel) => d.subscriptions.settingOf('reviewers', channel)?.reviewers,
        channelConfig: d.channels.channelConfig,
        senderFor: d.channels.senderFor,
        log: d.log,
      }),
    });
  return { actions, policy };
}
