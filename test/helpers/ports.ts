import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's range for ports the kernel hands out (listen(0), outgoing connections); none elsewhere. */
function ephemeralLow(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 11_000 ? low : undefined;
  } catch {
    return undefined;
  }
}

async function tryListen(port: number): Promise<number | undefined> {
  const s = createServer();
  const bound = await new Promise<boolean>((r) => {
    s.once('error', () => r(false));
    s.listen(port, '127.0.0.1', () => r(true));
  });
  if (!bound) return undefined;
  const { port: got } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return got;
}

/**
 * A loopback port nobody listens on now: for a process that must be told its port before it
 * starts. Chosen at random below the kernel's ephemeral range where there is one, so the many
 * listen(0) servers and outgoing connections of the tests running beside it cannot take it
 * between this answer and the process's bind (a CI run lost a test to exactly that).
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let i = 0; low !== undefined && i < 50; i++) {
    const port = await tryListen(10_000 + Math.floor(Math.random() * (low - 10_000)));
    if (port !== undefined) return port;
  }
  return (await tryListen(0))!;
}
