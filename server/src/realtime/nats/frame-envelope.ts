import { Outbound } from '../outbound.ts';

const NEWLINE = 0x0a;

interface EnvelopeHeader {
  /** thread id */
  t: string;
  /** sender excluded from the fan-out */
  x: string | null;
  /** thread_seq of the durable event */
  q: number | null;
}

/**
 * A frame as it travels between processes: a one-line JSON header, then the frame's
 * WebSocket text exactly as sockets get it, then (durable events only) the event's JSON
 * for SSE. JSON text never holds a raw newline, so the lines split without parsing: the
 * publisher encodes once, a receiver reads the small header and passes the bytes on.
 */
export function encodeEnvelope(outbound: Outbound): Buffer {
  const header: EnvelopeHeader = { t: outbound.threadId, x: outbound.exceptSenderId, q: outbound.seq };
  const parts = [Buffer.from(`${JSON.stringify(header)}\n`), outbound.ws];
  const eventJson = outbound.eventJson;
  if (eventJson !== null) parts.push(Buffer.from(`\n${eventJson}`));
  return Buffer.concat(parts);
}

/**
 * The outbound of a received envelope; throws on anything that is not one. `eventType`: the
 * durable event's type as the subject names it, if it does (`EncodedFrame.eventType`).
 */
export function decodeEnvelope(data: Uint8Array, eventType?: string): Outbound {
  // One copy of the whole envelope: sockets may queue its frame after the receive buffer is
  // reused, and the frame and the event are then views of it, neither copied nor decoded again.
  const bytes = Buffer.from(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  const headerEnd = bytes.indexOf(NEWLINE);
  if (headerEnd < 0) throw new Error('A frame envelope without a header line.');
  const header = JSON.parse(bytes.toString('utf8', 0, headerEnd)) as EnvelopeHeader;
  if (typeof header.t !== 'string') throw new Error('A frame envelope without a thread id.');
  const frameEnd = bytes.indexOf(NEWLINE, headerEnd + 1);
  const ws = bytes.subarray(headerEnd + 1, frameEnd < 0 ? bytes.length : frameEnd);
  const eventBytes = frameEnd < 0 ? null : bytes.subarray(frameEnd + 1);
  const seq = header.q ?? null;
  return Outbound.fromEncoded(header.t, header.x ?? null, { ws, eventBytes, seq, ...(eventType !== undefined ? { eventType } : {}) });
}
