import { BlockList, isIP } from 'node:net';

/** Client addresses allowed to send webhooks (VCC_ALLOWED_SOURCES), by CIDR or single address. */
export interface SourceList {
  allows(address: string): boolean;
  /** The list as configured, for the start-up log line. */
  readonly text: string;
}

/**
 * Parses `203.0.113.0/24, 2001:db8::/32, 198.51.100.7` (commas or spaces). Throws an Error
 * naming the first entry that is not an address or a CIDR block. An IPv4 client seen as an
 * IPv4-mapped IPv6 address (`::ffff:203.0.113.9`, a dual-stack listener) matches IPv4 entries.
 */
export function parseSourceList(text: string): SourceList {
  const list = new BlockList();
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) throw new Error('lists no address or CIDR block');
  for (const entry of entries) {
    const [addr = '', bits, extra] = entry.split('/');
    const family = isIP(addr);
    const max = family === 4 ? 32 : 128;
    if (
      family === 0 ||
      extra !== undefined ||
      (bits !== undefined && !/^\d{1,3}$/.test(bits)) ||
      Number(bits ?? 0) > max
    ) {
      throw new Error(`"${entry.slice(0, 60)}" is not an IP address or CIDR block (e.g. 203.0.113.0/24)`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return {
    text: entries.join(', '),
    allows(address) {
      const v4 = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
      const family = isIP(v4);
      return family !== 0 && list.check(v4, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
