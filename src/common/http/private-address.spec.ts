import { isPrivateAddress, trustHops } from './private-address';

describe('isPrivateAddress', () => {
  it('accepts loopback and private-network addresses, IPv4-mapped ones included', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.7',
      '::1',
      '::ffff:10.0.0.1',
      'fd00::2',
    ]) {
      expect(isPrivateAddress(address)).toBe(true);
    }
  });

  it('refuses public addresses and anything that is not an address', () => {
    for (const address of ['203.0.113.7', '172.32.0.1', '8.8.8.8', '::ffff:203.0.113.7', '2001:db8::1', 'localhost', '']) {
      expect(isPrivateAddress(address)).toBe(false);
    }
  });
});

describe('trustHops', () => {
  it('believes as many proxies as the count, each on a private address', () => {
    const trust = trustHops(2);
    expect(trust('10.0.0.2', 0)).toBe(true);
    expect(trust('10.0.0.3', 1)).toBe(true);
    expect(trust('10.0.0.4', 2)).toBe(false);
    expect(trust('203.0.113.7', 0)).toBe(false);
  });
});
