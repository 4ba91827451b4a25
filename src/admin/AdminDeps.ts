import type { Logger } from 'pino';
import type { StoreReads } from '../store/Store.ts';
import type { Actions } from '../actions/Actions.ts';
import type { NotifyConfig, ChannelConfig } from '../config/NotifyConfig.ts';
import type { Renderer } from '../render/Renderer.ts';
import type { Subscriptions } from '../chat/Subscriptions.ts';
import type { AdminSignIn } from '../config/adminSignIn.ts';

/** What the admin pages get from the service. */
export interface AdminDeps {
  /** How people sign in: ADMIN_TOKEN, the identity provider, or both. */
  signIn: AdminSignIn;
  /** Reads only: every change is an action. */
  store: StoreReads;
  config: () => NotifyConfig;
  subscriptions: Subscriptions;
  renderer: Renderer;
  channelConfig: (name: string) => ChannelConfig | null;
  clock: () => number;
  log: Logger;
  /** What people do here (mute, replay, resend), checked and recorded; sign-ins are recorded there too. */
  actions: Actions;
}
