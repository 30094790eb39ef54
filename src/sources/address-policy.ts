import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Addresses a feed or article URL must never reach unless TRADEWIRE_ALLOW_PRIVATE_URLS is set:
 * this machine, the private network, link-local (cloud metadata lives at 169.254.169.254), CGNAT,
 * multicast, reserved and documentation ranges, and their IPv6 counterparts.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: can reach any IPv4 address
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** True for an IP address in a range feeds may not reach; also true for anything that is not an IP. */
export function isBlockedAddress(address: string): boolean {
  const ip = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(ip);
  if (family === 0) return true;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) would bypass the IPv4 rules. (Not a BlockList subnet: BlockList
  // matches plain IPv4 addresses against it too.) Resolvers and URL parsing give the canonical form.
  if (family === 6 && /^::ffff:/i.test(ip)) return true;
  return BLOCKED.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
}
