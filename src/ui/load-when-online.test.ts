import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadWhenOnline } from './load-when-online.ts';

describe('loadWhenOnline', () => {
  afterEach(() => vi.restoreAllMocks());

  it('waits offline for the connection, then loads again', async () => {
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const load = vi.fn().mockRejectedValueOnce(new TypeError('Failed to fetch dynamically imported module')).mockResolvedValueOnce('chunk');
    const loading = loadWhenOnline(load);
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    online.mockReturnValue(true);
    dispatchEvent(new Event('online'));
    await expect(loading).resolves.toBe('chunk');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('fails as the load failed while online', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    const load = vi.fn().mockRejectedValue(new TypeError('gone'));
    await expect(loadWhenOnline(load)).rejects.toThrow('gone');
    expect(load).toHaveBeenCalledTimes(1);
  });
});
