import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { RawConnection, type RawResponse } from './raw-http.ts';
import type { TestServer } from './test-server.ts';

/** What an upload answers (CONTRACT §13). */
export interface Uploaded {
  id: string;
  name: string;
  content_type: string;
  size: number;
  width?: number;
  height?: number;
  sha256: string;
  created_at: string;
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** `POST …/attachments?name=` with the file as the raw body (fetch sets Content-Length). `path` is under /api/v1. */
export async function uploadTo(
  server: { url: string },
  path: string,
  name: string,
  bytes: Uint8Array,
  token: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${server.url}/api/v1${path}?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers },
    body: bytes,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** A user's or agent's upload into a thread. */
export const upload = (server: { url: string }, threadId: string, name: string, bytes: Uint8Array, token: string) =>
  uploadTo(server, `/chat/threads/${threadId}/attachments`, name, bytes, token);

/** A visitor's upload into their conversation with the `demo` agent (or `slug`). */
export const visitorUpload = (server: { url: string }, threadId: string, name: string, bytes: Uint8Array, token: string, slug = 'demo') =>
  uploadTo(server, `/chat/public/${slug}/threads/${threadId}/attachments`, name, bytes, token);

/** `GET` of an attachment with the Bearer credential in the header; the body as bytes. */
export async function download(
  server: { url: string },
  path: string,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<Answer<Buffer>> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/** Parses an error answer's body (downloads answer errors as JSON too). */
export const errorOf = (answer: Answer<Buffer>) => JSON.parse(answer.body.toString('utf8')) as { error: { code: string; message: string } };

/** A PNG of `width` × `height` of one colour. */
export const png = (width = 40, height = 30) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 60 } } })
    .png()
    .toBuffer();

/**
 * A JPEG as a phone takes it: 60 × 40 pixels stored sideways with EXIF orientation 6 (turn
 * 90° clockwise to show), a GPS position and a camera model.
 */
export const phoneJpeg = () =>
  sharp({ create: { width: 60, height: 40, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .jpeg()
    .withMetadata({
      orientation: 6,
      exif: {
        IFD0: { Make: 'TestPhone', Model: 'Secret Model 9' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 31/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '13/1 24/1 0/1' },
      },
    })
    .toBuffer();

/** A minimal PDF (the server checks its magic number, not its structure). */
export const pdf = () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/**
 * Sends only the request line and headers of an upload, never the body, and returns the
 * answer the server gives without waiting for it (the limit is decided before the body).
 */
export async function headersOnly(server: TestServer, path: string, headers: Record<string, string>): Promise<RawResponse> {
  const connection = await RawConnection.open(server.url);
  const lines = [`POST /api/v1${path} HTTP/1.1`, `Host: 127.0.0.1`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  await connection.write(`${lines.join('\r\n')}\r\n\r\n`);
  const [answer] = await connection.waitFor(1);
  connection.destroy();
  if (!answer) throw new Error('the server closed the connection without an answer');
  return answer;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb's header: a PNG that says it is `width` × `height` (grey, 8 bits) with
 * one row of pixel data. A server that decoded it would allocate the whole image.
 */
export function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const row = deflateSync(Buffer.alloc(width + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', row),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
