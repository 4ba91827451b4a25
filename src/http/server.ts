import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpServer {
  port: number;
  /** True once close() was called: responses then say Connection: close. */
  draining(): boolean;
  /**
   * Stops accepting, closes idle keep-alive connections now and every 50 ms as requests end,
   * and at `limitMs` closes whatever is still open. Resolves true when everything closed in
   * time, false when connections had to be cut.
   */
  close(limitMs: number): Promise<boolean>;
}

/** Listens on `host:port` (0: any free port). */
export async function listen(handler: RequestListener, port: number, host: string): Promise<HttpServer> {
  const server: Server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  let closing = false;
  return {
    port: (server.address() as AddressInfo).port,
    draining: () => closing,
    async close(limitMs) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const inTime = await within(closed, limitMs);
      clearInterval(sweep);
      if (!inTime) server.closeAllConnections();
      return inTime;
    },
  };
}

/** Whether `p` settled within `ms` (it keeps running either way). */
export async function within(p: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([Promise.resolve(p).then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
