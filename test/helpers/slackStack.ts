import { FakeSlack } from '../fakes/slack.ts';
import { cleanup, serviceWithConfig, tempDir, type TestService } from './service.ts';
import { testStore, type StoreKind, type TestStore } from './testStore.ts';

/** A real service on its own store of `kind`, with `yaml` as its config and a fake Slack behind `SLACK_API_URL`. */
export interface SlackStack {
  svc: TestService;
  slack: FakeSlack;
  store: TestStore;
  dir: string;
  /** Stops the service and the fake, drops the store, removes the folder. */
  stop(): Promise<void>;
}

/** Starts a SlackStack; `secret` is the webhook secret, `env` adds to the service's environment. */
export async function slackStack(
  kind: StoreKind,
  yaml: string,
  secret: string,
  env: Record<string, string> = {},
): Promise<SlackStack> {
  const slack = await new FakeSlack().start();
  const dir = tempDir();
  const store = await testStore(kind, dir);
  const svc = await serviceWithConfig(dir, yaml, secret, {
    SLACK_BOT_TOKEN: 'xoxb-stack',
    SLACK_API_URL: slack.apiUrl,
    ...env,
  });
  return {
    svc,
    slack,
    store,
    dir,
    stop: async () => {
      await svc.stop();
      await slack.stop();
      await store.drop();
      cleanup(dir);
    },
  };
}
