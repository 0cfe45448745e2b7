import { describe, expect, it } from 'vitest';
import { classifyAddress, parseIPv6 } from './ip-ranges.ts';

describe('parseIPv6', () => {
  it('expands every spelling to 16 bytes', () => {
    expect(parseIPv6('::1')).toEqual([...Array<number>(15).fill(0), 1]);
    expect(parseIPv6('[::ffff:127.0.0.1]')).toEqual([...Array<number>(10).fill(0), 0xff, 0xff, 127, 0, 0, 1]);
    expect(parseIPv6('::ffff:7f00:1')).toEqual(parseIPv6('::ffff:127.0.0.1'));
    expect(parseIPv6('fe80::1%eth0')).toEqual([0xfe, 0x80, ...Array<number>(13).fill(0), 1]);
    expect(parseIPv6('2001:db8:0:0:0:0:0:1')).toEqual(parseIPv6('2001:db8::1'));
    expect(parseIPv6('127.0.0.1')).toBeNull();
    expect(parseIPv6('nonsense')).toBeNull();
  });
});

describe('classifyAddress', () => {
  it('names every non-public IPv4 range', () => {
    const cases: Record<string, string> = {
      '127.0.0.1': 'loopback',
      '127.255.255.254': 'loopback',
      '10.1.2.3': 'private',
      '172.16.0.1': 'private',
      '172.31.255.255': 'private',
      '192.168.1.1': 'private',
      '169.254.169.254': 'link-local',
      '100.64.0.1': 'shared (CGNAT)',
      '100.127.255.255': 'shared (CGNAT)',
      '0.0.0.0': 'unspecified',
      '224.0.0.1': 'multicast',
      '239.255.255.250': 'multicast',
      '255.255.255.255': 'broadcast',
      '240.0.0.1': 'reserved',
      '192.0.2.10': 'reserved',
      '198.18.0.1': 'reserved',
    };
    for (const [ip, kind] of Object.entries(cases)) expect(classifyAddress(ip), ip).toBe(kind);
  });

  it('names every non-public IPv6 range, and judges embedded IPv4 addresses by what they reach', () => {
    const cases: Record<string, string> = {
      '::1': 'loopback',
      '::': 'unspecified',
      'fe80::1': 'link-local',
      'febf::1': 'link-local',
      'fc00::1': 'unique-local',
      'fd12:3456::1': 'unique-local',
      'ff02::1': 'multicast',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '::ffff:10.0.0.1': 'private',
      '::ffff:169.254.169.254': 'link-local',
      '::ffff:0.0.0.0': 'unspecified',
      '64:ff9b::7f00:1': 'loopback',
      '2002:7f00:1::1': 'loopback',
      '::127.0.0.1': 'reserved',
      '2001:db8::1': 'reserved',
    };
    for (const [ip, kind] of Object.entries(cases)) expect(classifyAddress(ip), ip).toBe(kind);
  });

  it('lets public addresses through, at the edges of the ranges too', () => {
    for (const ip of [
      '93.184.216.34',
      '8.8.8.8',
      '100.63.255.255',
      '100.128.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '169.253.255.255',
      '11.0.0.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '2002:808:808::1',
      'fbff::1',
      'fe7f::1',
    ]) {
      expect(classifyAddress(ip), ip).toBeNull();
    }
  });

  /**
   * Every IPv6 form that carries an IPv4 address: [form, address embedding a refused IPv4,
   * its kind, address embedding a public IPv4 or null when the whole range is refused].
   */
  const EMBEDDING_FORMS: [string, string, string, string | null][] = [
    ['IPv4-mapped ::ffff:0:0/96', '::ffff:10.0.0.1', 'private', '::ffff:8.8.8.8'],
    ['IPv4-mapped, hex spelling', '::ffff:7f00:1', 'loopback', '::ffff:808:808'],
    ['IPv4-compatible ::/96 (deprecated)', '::127.0.0.1', 'reserved', null],
    ['SIIT ::ffff:0:0:0/96', '::ffff:0:127.0.0.1', 'reserved', null],
    ['SIIT, hex spelling', '0:0:0:0:ffff:0:a00:1', 'reserved', null],
    ['NAT64 well-known 64:ff9b::/96', '64:ff9b::192.168.1.1', 'private', '64:ff9b::8.8.8.8'],
    ['NAT64 local-use 64:ff9b:1::/48', '64:ff9b:1::10.0.0.1', 'reserved', null],
    ['NAT64 local-use, public IPv4', '64:ff9b:1::8.8.8.8', 'reserved', null],
    ['6to4 2002::/16 (IPv4 in bits 16-48)', '2002:a9fe:a9fe::1', 'link-local', '2002:808:808::1'],
    ['6to4, CGNAT', '2002:6440:1::', 'shared (CGNAT)', '2002:5db8:d822::1'],
    ['Teredo 2001::/32', '2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved', null],
    ['Teredo, obfuscated loopback client', '2001::ffff:ffff:80ff:fffe', 'reserved', null],
    ['ISATAP ::0:5efe:a.b.c.d', '2606:4700::5efe:127.0.0.1', 'loopback', '2606:4700::5efe:8.8.8.8'],
    ['ISATAP with the u bit ::200:5efe:a.b.c.d', '2606:4700::200:5efe:10.1.2.3', 'private', '2606:4700::200:5efe:8.8.8.8'],
    ['ISATAP under a link-local prefix', 'fe80::5efe:8.8.8.8', 'link-local', null],
  ];

  it.each(EMBEDDING_FORMS)('%s: refused when it carries a refused IPv4 address (or is refused whole)', (_form, refused, kind) => {
    expect(classifyAddress(refused)).toBe(kind);
  });

  it.each(EMBEDDING_FORMS.filter(([, , , allowed]) => allowed !== null))(
    '%s: allowed when it carries a public IPv4 address',
    (_form, _refused, _kind, allowed) => {
      expect(classifyAddress(allowed!)).toBeNull();
    },
  );

  it('treats anything that is not an address as reserved', () => {
    expect(classifyAddress('localhost')).toBe('reserved');
    expect(classifyAddress('')).toBe('reserved');
  });
});
