// Preloaded (`--import`) into every test process and every process a test starts: a TCP
// connection to anything but a loopback address fails before a byte is sent, whatever token or
// URL the environment holds. Plain JavaScript so a compiled child loads it without tsx.
import net from 'node:net';

/** True for 127.0.0.0/8, ::1, their IPv4-mapped forms and the name `localhost`. */
export function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default is localhost
  const h = String(host)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return net.isIPv4(v4) && v4.split('.')[0] === '127';
}

/** Throws unless `url` names a loopback host: for base URLs a test hands to a client. */
export function assertLoopbackUrl(url) {
  const host = new URL(url).hostname;
  if (!isLoopbackHost(host)) throw new LoopbackOnlyError(host, url);
}

export class LoopbackOnlyError extends Error {
  constructor(host, where) {
    super(
      `hermetic tests: refused to connect to ${host} (${where}); only 127.0.0.0/8 and ::1 are reachable from tests`,
    );
    this.code = 'ELOOPBACKONLY';
  }
}

// Socket#connect is called as (options[, cb]), (port[, host][, cb]), (path[, cb]) or, from
// net.connect, with the normalized [options, cb] array. A path is a Unix socket: local.
function targetOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') return first.path ? null : { host: first.host, port: first.port };
  if (typeof first === 'number' || /^\d+$/.test(String(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
  }
  return null;
}

const connect = net.Socket.prototype.connect;
if (!connect.loopbackOnly) {
  const guarded = function (...args) {
    const target = targetOf(args);
    if (target && !isLoopbackHost(target.host)) {
      const err = new LoopbackOnlyError(target.host, `port ${target.port}`);
      process.stderr.write(`${err.message}\n`);
      // Fails as a refused connection would: the caller's error path runs, nothing is sent.
      process.nextTick(() => this.destroy(err));
      return this;
    }
    return connect.apply(this, args);
  };
  guarded.loopbackOnly = true;
  net.Socket.prototype.connect = guarded;
}
