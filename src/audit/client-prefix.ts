import { isIPv6 } from 'node:net';

/**
 * The part of a client address that names one caller for refusal summaries: an IPv4 address
 * whole (also when written IPv4-mapped, `::ffff:203.0.113.7`), an IPv6 address's /64 — one
 * subscriber usually holds a whole /64, so counting per address would let them spread over 2^64.
 */
export function clientPrefix(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const ip = address.replace(/%.*$/, '');
  if (!isIPv6(ip)) return address;
  // An embedded IPv4 tail takes two groups; `::` stands for the zero groups left out.
  const groups = (part: string) =>
    part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const [left = '', right] = ip.split('::');
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const full = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  return `${full
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
