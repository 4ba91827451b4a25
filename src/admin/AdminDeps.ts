import type { Logger } from 'pino';
import type { EventStore, MuteStore, SubscriptionStore, ThreadStore } from '../store/Store.ts';
import type { NotifyConfig, ChannelConfig } from '../config/NotifyConfig.ts';
import type { Renderer } from '../render/Renderer.ts';
import type { Subscriptions } from '../chat/Subscriptions.ts';
import type { Route } from '../routing/route.ts';

/** What the admin pages get from the service. */
export interface AdminDeps {
  token: string;
  store: EventStore &
    Pick<SubscriptionStore, 'listSubscriptions'> &
    Pick<ThreadStore, 'threadsOf'> &
    Pick<MuteStore, 'addMute' | 'listMutes' | 'expireMute' | 'releaseHeld'>;
  config: () => NotifyConfig;
  subscriptions: Subscriptions;
  renderer: Renderer;
  channelConfig: (name: string) => ChannelConfig | null;
  clock: () => number;
  log: Logger;
  /** The routes in force (file and chat): what a resend plans with. */
  routes: () => readonly Route[];
  /** Called after a replay or resend so the worker picks the deliveries up now. */
  onReplay: () => void;
}
