import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { PRIVATE_KINDS, classifyAddress } from './ip-ranges.ts';

/** Resolves a host name to every address it has (tests inject their own, to rebind names at will). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A callback URL's host is, or resolves to, an address webhooks may not reach. */
export class AddressRefused extends Error {
  readonly code = 'EWEBHOOKADDRESS';
}

/** The host of a URL as `node:http` wants it: an IPv6 literal without its brackets. */
export const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Decides which addresses a webhook may connect to (CONTRACT §8): public ones always;
 * loopback, private, link-local, CGNAT and unique-local ones only when private networks
 * are allowed (development, tests); unspecified, multicast, broadcast and reserved never.
 */
export class AddressGuard {
  constructor(
    private readonly allowPrivateNetworks: boolean,
    private readonly resolve: Resolver = systemResolver,
    /** Who is refused, in the words of the refusal ("webhooks", "push endpoints"). */
    private readonly what = 'webhooks',
  ) {}

  /** Why `ip` is refused, in words, or null when it may be reached. */
  problemWith(ip: string): string | null {
    const kind = classifyAddress(ip);
    if (kind === null || (this.allowPrivateNetworks && PRIVATE_KINDS.has(kind))) return null;
    return `${ip} is ${kind === 'unspecified' ? 'an' : 'a'} ${kind} address`;
  }

  /**
   * Every address the host stands for, all of them allowed; else AddressRefused. A name with
   * one bad address among good ones is refused: the connection could go to any of them.
   */
  async addressesOf(host: string): Promise<LookupAddress[]> {
    const family = isIP(host);
    let addresses: LookupAddress[];
    if (family !== 0) {
      addresses = [{ address: host, family }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch {
        throw new AddressRefused(`the host "${host}" could not be resolved`);
      }
      if (addresses.length === 0) throw new AddressRefused(`the host "${host}" has no address`);
    }
    for (const { address } of addresses) {
      const problem = this.problemWith(address);
      if (problem) {
        throw new AddressRefused(
          family !== 0
            ? `${problem}, which ${this.what} may not reach`
            : `"${host}" resolves to ${problem}, which ${this.what} may not reach`,
        );
      }
    }
    return addresses;
  }

  /**
   * A `lookup` for `net.connect` / `http.request` that resolves and checks at connect time,
   * so a name that was public when the webhook was registered and now points inside (DNS
   * rebinding) is refused. Node skips `lookup` for IP literals: callers check those with
   * {@link addressesOf} before connecting.
   */
  readonly lookup = (
    hostname: string,
    options: LookupOneOptions | { all: true },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.addressesOf(hostname).then(
      (addresses) => {
        if ('all' in options && options.all) return callback(null, addresses);
        const wanted = 'family' in options ? options.family : undefined;
        const pick = addresses.find(
          (item) =>
            !wanted || item.family === wanted || (wanted === 'IPv4' && item.family === 4) || (wanted === 'IPv6' && item.family === 6),
        );
        if (!pick)
          return callback(Object.assign(new Error(`no IPv${String(wanted)} address for "${hostname}"`), { code: 'ENOTFOUND' }), '');
        callback(null, pick.address, pick.family);
      },
      (error: Error) => callback(error, ''),
    );
  };
}
