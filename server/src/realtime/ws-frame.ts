import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';

/** First byte of an unfragmented text frame: FIN set, opcode 1 (RFC 6455 §5.2). */
const FIN_TEXT = 0x81;
/** Payload lengths up to this fit the 7-bit length field; up to 65535 take 16 more bits, beyond 64. */
const MAX_7BIT_LENGTH = 125;
const MAX_16BIT_LENGTH = 0xffff;

/**
 * A whole WebSocket text frame around `payload` (UTF-8 JSON), as a server sends it:
 * unfragmented, unmasked, no extension bits. Built once per fan-out, the same bytes then go
 * to every socket.
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length <= MAX_7BIT_LENGTH ? 2 : length <= MAX_16BIT_LENGTH ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = FIN_TEXT;
  if (headerLength === 2) {
    frame[1] = length;
  } else if (headerLength === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/**
 * Where pre-built frames of a server-side `ws` socket may be written: its TCP socket, when
 * no extension (permessage-deflate) is in use, so a frame goes out as it is. `ws.send` would
 * build a header and write header and payload apart for each socket; a fan-out to a thousand
 * sockets spends a good part of its time there. The frames keep their order with those ws
 * writes itself (pings, close): everything is written from this one thread, each frame in
 * one call. Null when `ws` holds no such socket (another version of `ws`): then use `ws.send`.
 */
export function frameSink(ws: WebSocket): Duplex | null {
  if (ws.extensions !== '') return null;
  const socket = (ws as unknown as { _socket?: unknown })._socket;
  return isDuplex(socket) ? socket : null;
}

function isDuplex(value: unknown): value is Duplex {
  return typeof value === 'object' && value !== null && typeof (value as Duplex).write === 'function';
}
