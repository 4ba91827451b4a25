import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy a test can break: `cut()` ends every connection through it and refuses
 * new ones (`'reset'`: with a TCP RST, ECONNRESET on both sides, as when the database is
 * killed with -9; `'close'`: an orderly close), `stall()` stops passing bytes on while keeping
 * the connections open (a request sent now is in flight until the cut), `restore()` lets
 * connections through again. For faults of a shared server (the machine's Postgres) that
 * the test must not really kill.
 */
export class TcpProxy {
  private server!: Server;
  private readonly open = new Set<Socket>();
  private down = false;
  private stalled = false;
  /** Bytes the clients sent while stalled (never passed on). */
  heldBytes = 0;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (this.down) return void client.resetAndDestroy();
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      const pass = (from: Socket, to: Socket, counts: boolean) =>
        from.on('data', (d) => {
          if (!this.stalled) to.write(d);
          else if (counts) this.heldBytes += d.length;
        });
      pass(client, upstream, true);
      pass(upstream, client, false);
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** `url` (a database URL to the proxied server) pointed through this proxy instead. */
  via(url: string): string {
    const u = new URL(url);
    u.port = String(this.port);
    return u.toString();
  }

  cut(how: 'reset' | 'close' = 'close'): void {
    this.down = true;
    this.stalled = false;
    for (const s of this.open) {
      if (how === 'reset') s.resetAndDestroy();
      else s.destroy();
    }
  }

  stall(): void {
    this.heldBytes = 0;
    this.stalled = true;
  }

  restore(): void {
    this.down = false;
    this.stalled = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((r) => this.server.close(r));
  }
}
