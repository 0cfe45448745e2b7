import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttachmentCache, AttachmentFetchError, attachmentPath, fetchAttachment, type AttachmentSource } from './attachment-fetch.ts';

interface Call {
  url: string;
  authorization: string | undefined;
}

function sourceAnswering(status: number | 'offline', token: string | null = 'token-1') {
  const calls: Call[] = [];
  const source: AttachmentSource = {
    url: (id, variant) => `http://server/api/v1${attachmentPath(null, 't1', id, variant)}`,
    getToken: () => token,
    fetch: (input, init) => {
      calls.push({ url: String(input), authorization: (init?.headers as Record<string, string>).authorization });
      if (status === 'offline') return Promise.reject(new TypeError('Failed to fetch http://server/...'));
      return Promise.resolve(new Response(status === 200 ? 'bytes' : '{}', { status }));
    },
  };
  return { source, calls };
}

afterEach(() => vi.useRealTimers());

describe('attachmentPath', () => {
  it('names the user and the visitor download, encoded, with the thumbnail variant', () => {
    expect(attachmentPath(null, 't 1', 'a/1', 'original')).toBe('/chat/threads/t%201/attachments/a%2F1');
    expect(attachmentPath('demo', 't1', 'a1', 'thumbnail')).toBe('/chat/public/demo/threads/t1/attachments/a1?variant=thumbnail');
  });
});

describe('fetchAttachment', () => {
  it('sends the credential in the Authorization header, never in the URL', async () => {
    const { source, calls } = sourceAnswering(200, 'secret-token');
    const blob = await fetchAttachment(source, 'a1', 'thumbnail');
    expect(await blob.text()).toBe('bytes');
    expect(calls).toEqual([
      { url: 'http://server/api/v1/chat/threads/t1/attachments/a1?variant=thumbnail', authorization: 'Bearer secret-token' },
    ]);
    expect(calls[0]!.url).not.toContain('secret-token');
  });

  it('says why it failed, by status, without the URL', async () => {
    for (const [status, failure] of [
      [404, 'gone'],
      [401, 'denied'],
      [403, 'denied'],
      [500, 'failed'],
      ['offline', 'offline'],
    ] as const) {
      const error = await fetchAttachment(sourceAnswering(status).source, 'a1', 'original').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AttachmentFetchError);
      expect((error as AttachmentFetchError).failure).toBe(failure);
      expect((error as Error).message).not.toContain('http');
    }
  });
});

describe('AttachmentCache', () => {
  const counting = () => {
    const created: string[] = [];
    const revoked: string[] = [];
    return {
      created,
      revoked,
      options: {
        releaseDelayMs: 1000,
        createObjectURL: () => {
          created.push(`blob:${created.length + 1}`);
          return created.at(-1)!;
        },
        revokeObjectURL: (url: string) => void revoked.push(url),
      },
    };
  };

  it('fetches a file once for every row that shows it, per variant', async () => {
    const { source, calls } = sourceAnswering(200);
    const urls = counting();
    const cache = new AttachmentCache(source, urls.options);
    const [first, second] = await Promise.all([cache.acquire('a1', 'thumbnail'), cache.acquire('a1', 'thumbnail')]);
    expect(first).toBe('blob:1');
    expect(second).toBe('blob:1');
    expect(await cache.acquire('a1', 'original')).toBe('blob:2');
    expect(calls.map((call) => call.url.split('/attachments/')[1])).toEqual(['a1?variant=thumbnail', 'a1']);
  });

  it('revokes a URL once no row has shown it for the delay, and fetches again after', async () => {
    vi.useFakeTimers();
    const { source, calls } = sourceAnswering(200);
    const urls = counting();
    const cache = new AttachmentCache(source, urls.options);
    await cache.acquire('a1', 'thumbnail');
    await cache.acquire('a1', 'thumbnail');
    cache.release('a1', 'thumbnail');
    await vi.advanceTimersByTimeAsync(5000);
    expect(urls.revoked).toEqual([]);
    cache.release('a1', 'thumbnail');
    await vi.advanceTimersByTimeAsync(999);
    expect(await cache.acquire('a1', 'thumbnail')).toBe('blob:1');
    cache.release('a1', 'thumbnail');
    await vi.advanceTimersByTimeAsync(1000);
    expect(urls.revoked).toEqual(['blob:1']);
    expect(await cache.acquire('a1', 'thumbnail')).toBe('blob:2');
    expect(calls).toHaveLength(2);
  });

  it('keeps no failure: trying again fetches again', async () => {
    let status: 200 | 500 = 500;
    const { source, calls } = sourceAnswering(200);
    const failing: AttachmentSource = {
      ...source,
      fetch: (input, init) => (status === 500 ? Promise.resolve(new Response('', { status })) : source.fetch!(input, init)),
    };
    const cache = new AttachmentCache(failing, counting().options);
    await expect(cache.acquire('a1', 'thumbnail')).rejects.toBeInstanceOf(AttachmentFetchError);
    cache.release('a1', 'thumbnail');
    status = 200;
    expect(await cache.acquire('a1', 'thumbnail')).toBe('blob:1');
    expect(calls).toHaveLength(1);
  });

  it('revokes everything at once on clear', async () => {
    const urls = counting();
    const cache = new AttachmentCache(sourceAnswering(200).source, urls.options);
    await cache.acquire('a1', 'thumbnail');
    await cache.acquire('a2', 'original');
    cache.clear();
    await Promise.resolve();
    expect(urls.revoked.sort()).toEqual(['blob:1', 'blob:2']);
  });
});
