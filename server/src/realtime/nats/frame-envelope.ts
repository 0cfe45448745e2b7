import type { UserFrame } from '../hub.ts';
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

/**
 * Many users' frames as one message between processes (a round's notifications, one per
 * reader of a busy thread): a one-line JSON header `[[userId, envelopeBytes], …]`, then the
 * envelopes one after another. A receiver reads the header once and decodes only the
 * envelopes of users it has connections of; a thousand messages a round, each parsed by every
 * other process, cost the cluster more than the pushes they announced (issue 18).
 */
export function encodeUserBatch(frames: readonly UserFrame[]): Buffer {
  const envelopes = frames.map((frame) => encodeEnvelope(frame.outbound));
  const header = frames.map((frame, index) => [frame.userId, envelopes[index]!.length]);
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...envelopes]);
}

/** The frames of a received batch whose user is `wanted`, in order; throws on anything that is not a batch. */
export function decodeUserBatch(data: Uint8Array, wanted: (userId: string) => boolean): UserFrame[] {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const headerEnd = bytes.indexOf(NEWLINE);
  if (headerEnd < 0) throw new Error('A user batch without a header line.');
  const header: unknown = JSON.parse(bytes.toString('utf8', 0, headerEnd));
  if (!Array.isArray(header)) throw new Error('A user batch whose header is not a list.');
  const frames: UserFrame[] = [];
  let offset = headerEnd + 1;
  for (const entry of header as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isSafeInteger(entry[1]) || (entry[1] as number) < 0) {
      throw new Error('A user batch entry that is not [userId, length].');
    }
    const [userId, length] = entry as [string, number];
    const end = offset + length;
    if (end > bytes.length) throw new Error('A user batch shorter than its header says.');
    if (wanted(userId)) frames.push({ userId, outbound: decodeEnvelope(bytes.subarray(offset, end)) });
    offset = end;
  }
  if (offset !== bytes.length) throw new Error('A user batch longer than its header says.');
  return frames;
}
