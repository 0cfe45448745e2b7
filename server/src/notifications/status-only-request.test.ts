import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForStatus } from './status-only-request.ts';

describe('postForStatus', () => {
  const received: { path: string; topic: string | undefined; body: string }[] = [];
  let connections = 0;
  let origin = '';
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url!, topic: request.headers.topic as string | undefined, body: Buffer.concat(chunks).toString() });
      // A large answer body: it must be read to its end for the connection to serve the next request.
      response.writeHead(request.url === '/gone' ? 410 : 201).end('x'.repeat(100_000));
    });
  });
  server.on('connection', () => connections++);
  const agent = new Agent({ connections: 1 });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers each request with its status, the headers and body sent, one after another over one connection', async () => {
    const post = (path: string, body: string) => postForStatus(agent, { origin, path, headers: ['Topic', 'abc'], body: Buffer.from(body) });
    expect(await post('/sent?x=1', 'one')).toBe(201);
    expect(await post('/gone', 'two')).toBe(410);
    expect(received).toEqual([
      { path: '/sent?x=1', topic: 'abc', body: 'one' },
      { path: '/gone', topic: 'abc', body: 'two' },
    ]);
    expect(connections).toBe(1);
  });

  it('fails when no answer came (nothing listening)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      postForStatus(agent, { origin: `http://127.0.0.1:${port}`, path: '/', headers: [], body: Buffer.from('x') }),
    ).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
