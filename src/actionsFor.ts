import type { NotifyConfig } from './config/NotifyConfig.ts';
import type { Route } from './routing/route.ts';
import type { Store } from './store/Store.ts';
import type { Subscriptions } from './chat/Subscriptions.ts';
import type { Channels } from './channels/Channels.ts';
import { Actions } from './actions/Actions.ts';
import type { ReviewObserver } from './actions/ActionDeps.ts';
import { ChangePolicy } from './actions/ChangePolicy.ts';
import { reviewDeps } from './channels/reviewMessages.ts';
import type { Logger } from 'pino';

/**
 * The actions layer as the service and the CLI build it: one policy (each platform's inbound
 * side sets its rule on it), and the actions over the store, the config's channels and
 * intervals, the chat-made channels' mirror and the worker's wake-up.
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
  const actions = new Actions({
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
