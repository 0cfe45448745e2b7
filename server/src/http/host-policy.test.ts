import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_HOSTS, HostPolicy, hostNameOf, parseAllowedHosts } from './host-policy.ts';

describe('parseAllowedHosts', () => {
  it('defaults to the loopback names', () => {
    expect(parseAllowedHosts(undefined)).toEqual(DEFAULT_ALLOWED_HOSTS);
    expect(parseAllowedHosts('  ')).toEqual(DEFAULT_ALLOWED_HOSTS);
  });

  it('reads a list: lower case, trailing dots dropped, bare IPv6 bracketed, duplicates removed', () => {
    expect(parseAllowedHosts(' Chat.Example.com, 192.168.1.20,::1,[fe80::1], chat.example.com. ')).toEqual([
      'chat.example.com',
      '192.168.1.20',
      '[::1]',
      '[fe80::1]',
    ]);
    expect(parseAllowedHosts('*')).toEqual(['*']);
  });

  it('refuses entries that are not host names, saying how to write one', () => {
    for (const bad of ['http://chat.example.com', 'chat.example.com:8787', 'a b', '[not-ipv6]', 'chat/x']) {
      expect(() => parseAllowedHosts(bad), bad).toThrow(/ALLOWED_HOSTS has ".*", which is not a host name/);
    }
    expect(() => parseAllowedHosts(',,')).toThrow(/lists no host name/);
  });
});

describe('HostPolicy', () => {
  const policy = new HostPolicy(DEFAULT_ALLOWED_HOSTS);

  it('takes the host name of a Host header, any port', () => {
    expect(hostNameOf('LocalHost:1234')).toBe('localhost');
    expect(hostNameOf('[::1]:8787')).toBe('[::1]');
    expect(hostNameOf('127.0.0.1')).toBe('127.0.0.1');
    expect(hostNameOf('localhost.:80')).toBe('localhost');
  });

  it('accepts the listed names with any port and refuses the rest', () => {
    for (const host of ['localhost', 'localhost:1234', 'LOCALHOST:8787', '127.0.0.1:8787', '[::1]:8787', '[::1]']) {
      expect(policy.allows(host), host).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      'evil.example',
      'evil.example:8787',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      '[::2]',
      '0.0.0.0',
    ]) {
      expect(policy.allows(host), String(host)).toBe(false);
    }
    expect(new HostPolicy(['*']).allows('evil.example')).toBe(true);
  });

  it('says in words what to do', () => {
    expect(policy.refusal('evil.example:80')).toBe(
      'This server does not answer to the host name "evil.example". To reach it by that name, add it to ALLOWED_HOSTS.',
    );
    expect(policy.refusal(undefined)).toBe('A Host header is required.');
  });
});
