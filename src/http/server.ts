import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

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

/** How long a client may take, and how many may be connected at once (docs/configuration.md "Environment"). */
export interface ConnectionLimits {
  /** From the connection's start to the end of the request's headers (slow-header clients). */
  headersTimeoutMs: number;
  /** From the connection's start to the end of the whole request (slow-body clients). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** Connections past this are closed at once (the kernel backlog still queues new ones). */
  maxConnections: number;
}

/** Listens on `host:port` (0: any free port). */
export async function listen(
  handler: RequestListener,
  port: number,
  host: string,
  limits: ConnectionLimits,
): Promise<HttpServer> {
  // Node checks the header and request deadlines every connectionsCheckingInterval (30 s by
  // default): 1 s makes a slow client's deadline hold to within a second.
  const server: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: 1_000,
      keepAliveTimeout: limits.keepAliveMs,
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  // A connection that never sends a byte has no request for those deadlines to measure: one
  // timer per connection closes it (not socket.setTimeout, which is re-armed on every read
  // and write of every request and cost ingest throughput).
  server.on('connection', (socket: Socket) => {
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, limits.headersTimeoutMs);
    silent.unref();
    socket.once('close', () => clearTimeout(silent));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(listenError(e as NodeJS.ErrnoException, port, host)));
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
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      Promise.resolve(p).then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why the service cannot listen, in the words of its settings (PORT, HOST). */
function listenError(e: NodeJS.ErrnoException, port: number, host: string): Error {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE')
    return new Error(`${where} is already in use by another process: stop it, or set PORT (and HOST) to a free one`);
  if (e.code === 'EACCES')
    return new Error(
      `${where}: not allowed to listen there (ports below 1024 need privileges): set PORT to 1024 or above`,
    );
  if (e.code === 'EADDRNOTAVAIL')
    return new Error(`${where}: HOST is not an address of this machine: set HOST to one of its addresses, or 0.0.0.0`);
  return e;
}
