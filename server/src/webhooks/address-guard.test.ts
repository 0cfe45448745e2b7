import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { AddressGuard, AddressRefused, type Resolver } from './address-guard.ts';

const resolver: Resolver = async (hostname) =>
  ({
    'public.test': [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ],
    'inside.test': [{ address: '192.168.1.1', family: 4 }],
  })[hostname] ?? [];

function lookup(guard: AddressGuard, host: string, options: object) {
  return new Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
    guard.lookup(host, options as never, (error, address, family) => resolve({ error, address, family })),
  );
}

describe('AddressGuard', () => {
  const strict = new AddressGuard(false, resolver);

  it('answers net.connect lookups with every address, or one of the wanted family', async () => {
    expect(await lookup(strict, 'public.test', { all: true })).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookup(strict, 'public.test', { family: 6 })).toMatchObject({ error: null, address: '2606:2800:220:1::1', family: 6 });
    expect(await lookup(strict, 'public.test', {})).toMatchObject({ error: null, address: '93.184.216.34', family: 4 });
  });

  it('fails the lookup of a name that resolves inside, so no connection is made', async () => {
    const { error } = await lookup(strict, 'inside.test', { all: true });
    expect(error).toBeInstanceOf(AddressRefused);
    expect(error!.message).toBe('"inside.test" resolves to 192.168.1.1 is a private address, which webhooks may not reach');
    expect((await lookup(strict, 'nothing.test', { all: true })).error!.message).toBe('the host "nothing.test" has no address');
  });

  it('lets private networks through only when allowed, and never the unspecified address', async () => {
    const open = new AddressGuard(true, resolver);
    expect((await lookup(open, 'inside.test', { all: true })).error).toBeNull();
    await expect(open.addressesOf('0.0.0.0')).rejects.toThrow('0.0.0.0 is an unspecified address');
    expect(await open.addressesOf('::1')).toEqual([{ address: '::1', family: 6 }]);
  });
});
