import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { allocTextFrame, frameSink, textFrame, textFramePayload } from './ws-frame.ts';

/** A real ws server on an ephemeral port and one client of it; resolves with both ends once open. */
async function pair(perMessageDeflate: boolean) {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate });
  const received: string[] = [];
  client.on('message', (data, isBinary) => received.push(isBinary ? '<binary>' : data.toString()));
  await new Promise((resolve) => client.once('open', resolve));
  const serverSide = await accepted;
  const close = async () => {
    client.close();
    wss.close();
    await new Promise((resolve) => server.close(resolve));
  };
  return { serverSide, client, received, close };
}

describe('textFrame and frameSink', () => {
  let close = async () => {};
  afterEach(() => close());

  it('frames texts of every length encoding so a ws client reads them, in order with ws.send and pings', async () => {
    const p = await pair(false);
    close = p.close;
    const sink = frameSink(p.serverSide);
    expect(sink).not.toBeNull();
    // 7-bit, 16-bit and 64-bit length fields, and their edges; multi-byte UTF-8 counts in bytes.
    const texts = [0, 5, 125, 126, 65_535, 65_536, 70_000].map((length) => 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2));
    for (const [index, text] of texts.entries()) {
      sink!.write(textFrame(Buffer.from(text)));
      p.serverSide.ping();
      p.serverSide.send(`sent by ws ${index}`);
    }
    await expect.poll(() => p.received.length).toBe(texts.length * 2);
    expect(p.received).toEqual(texts.flatMap((text, index) => [text, `sent by ws ${index}`]));
  });

  it('builds a frame from parts in one allocation (allocTextFrame) that a ws client reads, and gives back its payload', async () => {
    const p = await pair(false);
    close = p.close;
    const texts = [0, 7, 125, 126, 65_535, 65_536].map((length) => 'ü'.repeat(Math.floor(length / 2)) + 'y'.repeat(length % 2));
    for (const text of texts) {
      const payload = Buffer.from(text);
      const frame = allocTextFrame(payload.length);
      // Written in two parts, as the topic encoder writes its head and body.
      const half = Math.floor(payload.length / 2);
      payload.copy(frame, frame.length - payload.length, 0, half);
      payload.copy(frame, frame.length - payload.length + half, half);
      expect(frame.equals(textFrame(payload))).toBe(true);
      expect(textFramePayload(frame).toString()).toBe(text);
      frameSink(p.serverSide)!.write(frame);
    }
    await expect.poll(() => p.received.length).toBe(texts.length);
    expect(p.received).toEqual(texts);
  });

  it('gives no sink when permessage-deflate is in use (frames must then be compressed by ws)', async () => {
    const p = await pair(true);
    close = p.close;
    expect(p.serverSide.extensions).toContain('permessage-deflate');
    expect(frameSink(p.serverSide)).toBeNull();
  });
});
