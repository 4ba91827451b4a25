import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Teams Workflows trigger ("When a Teams webhook request is received"): takes the
 * message envelope and answers 202 Accepted, as the real flow does; `script` queues other
 * statuses (e.g. 429 with Retry-After, 500).
 */
export class FakeTeamsWorkflow {
  readonly posts: Array<{ at: number; body: any }> = [];
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
        const s = this.script.shift();
        if (s) {
          res.writeHead(s.status, s.retryAfter !== undefined ? { 'retry-after': String(s.retryAfter) } : {}).end();
          return;
        }
        this.posts.push({ at: Date.now(), body: JSON.parse(raw) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/workflows/hr`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
