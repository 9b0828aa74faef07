import { BlockList, isIPv6 } from 'node:net';

// Loopback, and the private ranges a gateway in front of the service sits in: RFC 1918, IPv6
// unique local (fc00::/7). IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) match the IPv4 ranges.
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** True for a loopback or private-network address: where a proxy of this service can be. */
export function isPrivateAddress(address: string): boolean {
  try {
    return PRIVATE.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
}

/**
 * TRUST_PROXY as a hop count: X-Forwarded-For is believed for up to `hops` proxies, and only
 * from a proxy at a loopback or private address. A caller on a public address that reaches the
 * service directly is the client, whatever its X-Forwarded-For says: otherwise anybody could
 * rotate the header and escape every per-IP limit.
 */
export function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (address, hop) => hop < hops && isPrivateAddress(address);
}
