import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';

/** First byte of an unfragmented text frame: FIN set, opcode 1 (RFC 6455 §5.2). */
const FIN_TEXT = 0x81;
/** Payload lengths up to this fit the 7-bit length field; up to 65535 take 16 more bits, beyond 64. */
const MAX_7BIT_LENGTH = 125;
const MAX_16BIT_LENGTH = 0xffff;
/** The 7-bit length field's values saying that 16 or 64 bits of length follow. */
const LENGTH_16BIT = 126;
const LENGTH_64BIT = 127;
/** The 7-bit length field of the second header byte (below the mask bit). */
const LENGTH_FIELD = 0x7f;

/**
 * A whole WebSocket text frame around `payload` (UTF-8 JSON), as a server sends it:
 * unfragmented, unmasked, no extension bits. Built once per fan-out, the same bytes then go
 * to every socket.
 */
export function textFrame(payload: Buffer): Buffer {
  const frame = allocTextFrame(payload.length);
  payload.copy(frame, frame.length - payload.length);
  return frame;
}

/**
 * A text frame of `length` payload bytes with its header written and the payload not yet:
 * the caller writes it from `frame.length - length` on. Lets a frame be built from several
 * parts in one allocation, without first joining them into a payload.
 */
export function allocTextFrame(length: number): Buffer {
  const headerLength = length <= MAX_7BIT_LENGTH ? 2 : length <= MAX_16BIT_LENGTH ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = FIN_TEXT;
  if (headerLength === 2) {
    frame[1] = length;
  } else if (headerLength === 4) {
    frame[1] = LENGTH_16BIT;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = LENGTH_64BIT;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  return frame;
}

/** The payload of a frame built by {@link textFrame} or {@link allocTextFrame} (a view, not a copy). */
export function textFramePayload(frame: Buffer): Buffer {
  const lengthField = frame[1]! & LENGTH_FIELD;
  return frame.subarray(lengthField === LENGTH_16BIT ? 4 : lengthField === LENGTH_64BIT ? 10 : 2);
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
