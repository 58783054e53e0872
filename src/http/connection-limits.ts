import { readFileSync } from 'node:fs';
import { BlockList, isIPv6, type Server, type Socket } from 'node:net';

/**
 * Connection caps (design note §3.8): at most `maxConnections` open connections in all (Node's
 * `server.maxConnections`: one more is closed at once), and at most `maxPerAddress` from one
 * client address, counted when a connection is accepted — one more from that address is closed
 * at once, so that one client cannot hold every file descriptor and the others (and the health
 * route) still get answers. An IPv6 client counts per /64, the block one subscriber gets.
 *
 * Behind a reverse proxy every connection comes from the proxy: the peers TRUST_PROXY trusts are
 * not capped per address (only in all); the proxy must bound its own clients.
 */
export interface ConnectionLimits {
  maxConnections: number;
  maxPerAddress: number;
}

/**
 * The default cap in all: 90 % of the process's soft open-file limit (`ulimit -n`, read from
 * /proc/self/limits), leaving descriptors for the store, blobs and workers; 10,000 where the
 * limit cannot be read. Counter workstations each hold an event stream all day: the cap must
 * follow what the host allows, not a fixed small number.
 */
export function defaultMaxConnections(limitsText = readProcLimits()): number {
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limitsText ?? '')?.[1];
  if (soft === undefined) return 10_000;
  if (soft === 'unlimited') return 1_000_000;
  return Math.max(100, Math.floor(Number(soft) * 0.9));
}

function readProcLimits(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}

/** The key a client address counts under: IPv4 (also IPv4-mapped IPv6) as is, IPv6 by its /64. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]?.split('::') ?? [''];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...(tail === undefined ? [] : fill), ...right].map((g) => g.toLowerCase());
}

/** proxy-addr's names for address ranges, as TRUST_PROXY accepts them. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Whether the direct peer at `address` is a proxy TRUST_PROXY trusts: `true` trusts every peer,
 * a hop count of 1 or more trusts the nearest one (the peer), a list trusts its addresses, CIDRs
 * and named ranges (`loopback`, `linklocal`, `uniquelocal`).
 */
export function trustedPeer(trustProxy: boolean | number | string): (address: string) => boolean {
  if (typeof trustProxy === 'boolean') return () => trustProxy;
  if (typeof trustProxy === 'number') return () => trustProxy >= 1;
  const list = new BlockList();
  const entries = trustProxy
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .flatMap((entry) => NAMED_RANGES[entry] ?? [entry]);
  for (const entry of entries) {
    const [ip = '', bits] = entry.split('/');
    const type = isIPv6(ip) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return (address) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return list.check(mapped, 'ipv4');
    return list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
  };
}

/**
 * Applies the caps to a server; `onRefused` hears of an address when it goes over its cap (once,
 * until it is back under: a client hammering the server does not flood the log).
 */
export function limitConnections(
  server: Server,
  limits: ConnectionLimits,
  trusted: (address: string) => boolean,
  onRefused: (key: string) => void = () => {},
): void {
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  const over = new Set<string>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || trusted(address)) return;
    const key = addressKey(address);
    const count = (open.get(key) ?? 0) + 1;
    if (count > limits.maxPerAddress) {
      if (!over.has(key)) onRefused(key);
      over.add(key);
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left < limits.maxPerAddress) over.delete(key);
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
