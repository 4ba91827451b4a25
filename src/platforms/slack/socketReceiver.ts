import { SocketModeClient } from '@slack/socket-mode';
import { LogLevel, type App, type Receiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { ackDeadline } from './ackDeadline.ts';

/**
 * Slack Socket Mode for installs without a public URL (SLACK_APP_TOKEN, xapp-...): Slack's
 * own SocketModeClient opens the connection (apps.connections.open, then a WebSocket) and
 * every envelope goes to Bolt, whose ack is sent back on the socket within Slack's window
 * (ackDeadline.ts, as over HTTP). Ours rather than
 * Bolt's SocketModeReceiver because that one cannot be pointed at SLACK_API_URL.
 */
export class SocketReceiver implements Receiver {
  private app: App | null = null;
  private readonly client: SocketModeClient;

  constructor(
    appToken: string,
    apiUrl: string | undefined,
    private readonly log: Logger,
  ) {
    this.client = new SocketModeClient({
      appToken,
      logLevel: LogLevel.ERROR,
      clientOptions: apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {},
    });
    this.client.on('slack_event', async ({ ack, body, retry_num, retry_reason }) => {
      const d = ackDeadline(body, this.log);
      const processing = this.app!.processEvent({ body, ack: d.ack, retryNum: retry_num, retryReason: retry_reason });
      processing.catch((e) => {
        this.log.error({ err: { message: (e as Error).message } }, 'Slack Socket Mode event failed');
        d.failed();
      });
      await ack((await d.answer) || {});
    });
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {
    await this.client.start();
  }

  async stop(): Promise<void> {
    await this.client.disconnect();
  }
}
