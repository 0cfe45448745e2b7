import { describe, expect, it } from 'vitest';
import { ForwardedForInjector, HttpFramingError, MAX_HEAD_BYTES } from './forwarded-for.ts';

/**
 * Runs `input` through an injector for client 203.0.113.9, in chunks of `size` bytes (1: every
 * byte on its own, so every state must survive a split anywhere). Returns the output as text,
 * or the framing error.
 */
async function inject(input: string, size = input.length): Promise<string | HttpFramingError> {
  const injector = new ForwardedForInjector('203.0.113.9');
  const out: Buffer[] = [];
  injector.on('data', (chunk: Buffer) => out.push(chunk));
  const finished = new Promise<HttpFramingError | null>((resolve) => {
    injector.on('end', () => resolve(null));
    injector.on('error', (error) => resolve(error as HttpFramingError));
  });
  const bytes = Buffer.from(input, 'latin1');
  for (let offset = 0; offset < bytes.length; offset += size) injector.write(bytes.subarray(offset, offset + size));
  injector.end();
  return (await finished) ?? Buffer.concat(out).toString('latin1');
}

const both = async (input: string) => {
  const whole = await inject(input);
  expect(await inject(input, 1)).toEqual(whole);
  expect(await inject(input, 7)).toEqual(whole);
  return whole;
};

describe('ForwardedForInjector', () => {
  it('appends the client address to every request of a keep-alive connection, bodies untouched', async () => {
    const input =
      'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nGET /c HTTP' +
      'PUT /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n3\r\n\r\nx\r\n0\r\nX-Trailer: 1\r\n\r\n' +
      'GET /e HTTP/1.1\r\nHost: x\r\n\r\n';
    expect(await both(input)).toBe(
      'GET /a HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n' +
        'POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nX-Forwarded-For: 203.0.113.9\r\n\r\nGET /c HTTP' +
        'PUT /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n5;ext=1\r\nhello\r\n3\r\n\r\nx\r\n0\r\nX-Trailer: 1\r\n\r\n' +
        'GET /e HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n',
    );
  });

  it("keeps what the client wrote in X-Forwarded-For (all of its lines) to the left of the client's address", async () => {
    expect(await both('GET / HTTP/1.1\r\nX-Forwarded-For: 1.1.1.1\r\nHost: x\r\nx-forwarded-for: 2.2.2.2, 3.3.3.3\r\n\r\n')).toBe(
      'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.9\r\n\r\n',
    );
  });

  it('passes everything after a WebSocket upgrade or CONNECT as it is', async () => {
    const upgrade = 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n';
    const frames = '\x81\x05hello GET /x HTTP/1.1\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n';
    expect(await both(upgrade + frames)).toBe(
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n' +
        frames,
    );
    expect(await both('CONNECT x:443 HTTP/1.1\r\n\r\nraw bytes')).toBe(
      'CONNECT x:443 HTTP/1.1\r\nX-Forwarded-For: 203.0.113.9\r\n\r\nraw bytes',
    );
  });

  it('treats Upgrade without "Connection: upgrade" as an ordinary request, as Node does', async () => {
    expect(await both('GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET /next HTTP/1.1\r\n\r\n')).toBe(
      'GET / HTTP/1.1\r\nUpgrade: websocket\r\nX-Forwarded-For: 203.0.113.9\r\n\r\nGET /next HTTP/1.1\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n',
    );
  });

  it('refuses requests whose framing a server could read differently (request smuggling)', async () => {
    const refused = [
      'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      'POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc',
      'POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc',
      'POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
      'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET / HTTP/1.1\r\nHost : x\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n',
      'GET / HTTP/1.1 extra\r\n\r\n',
      'GET / HTTP/2.0\r\n\r\n',
      'PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n',
      '\x16\x03\x01 a TLS hello\r\n\r\n',
    ];
    for (const input of refused) {
      const result = await inject(input);
      expect(result, JSON.stringify(input)).toBeInstanceOf(HttpFramingError);
      expect((result as HttpFramingError).status).toBe(400);
    }
  });

  it('refuses a head larger than the server would take with 431', async () => {
    const result = await inject(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`, 1000);
    expect(result).toBeInstanceOf(HttpFramingError);
    expect((result as HttpFramingError).status).toBe(431);
  });
});
