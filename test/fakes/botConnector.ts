import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Bot Framework connector (the `serviceUrl` of a Teams conversation): takes
 * `POST /v3/conversations/{id}/activities[/{replyTo}]` and answers `{ id }` as the real
 * one does; `script` queues other statuses (429 with Retry-After, 502 ...).
 */
export class FakeBotConnector {
  readonly activities: Array<{ at: number; conversation: string; replyTo: string | null; activity: any }> = [];
  readonly script: Array<{ status: number; retryAfter?: number }> = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !m) {
          res.writeHead(404).end();
          return;
        }
        const s = this.script.shift();
        if (s) {
          res
            .writeHead(s.status, {
              'content-type': 'application/json',
              ...(s.retryAfter !== undefined ? { 'retry-after': String(s.retryAfter) } : {}),
            })
            .end(JSON.stringify({ error: { code: 'Throttled', message: 'scripted' } }));
          return;
        }
        this.activities.push({
          at: Date.now(),
          conversation: decodeURIComponent(m[1]!),
          replyTo: m[2] ? decodeURIComponent(m[2]) : null,
          activity: JSON.parse(raw),
        });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: `activity-${this.activities.length}` }));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** A Teams activity as the Bot Framework service would post it to /api/messages. */
export function teamsActivity(serviceUrl: string, conversationId: string, over: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `in-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:user-1', name: 'Supervisor Sue', aadObjectId: '00000000-0000-0000-0000-000000000001' },
    recipient: { id: '28:vcc-notify-bot', name: 'vcc-notify' },
    conversation: { id: conversationId, conversationType: 'channel', isGroup: true, name: 'Ops room' },
    channelData: { tenant: { id: 'tenant-1' }, team: { id: '19:team@thread.tacv2' }, channel: { id: conversationId } },
    ...over,
  };
}
