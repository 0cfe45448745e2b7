import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, notFound } from '../http/errors.ts';
import type { ByteRange } from './attachment-bytes.ts';
import { isImageType } from './attachment-kinds.ts';
import type { OpenedAttachment } from './attachment-service.ts';

/**
 * The headers every download carries (CONTRACT §13). The bytes are what a visitor or agent
 * sent, served from the app's own origin: `nosniff` and a sandboxing CSP keep a browser from
 * running them, `attachment` makes it save rather than open them; only raster images
 * (PNG, JPEG, GIF, WebP: decoded and re-encoded here, so they hold nothing but pixels) may be
 * shown inline. `private`: the bytes are the thread's readers' alone, never a shared cache's.
 */
export const DOWNLOAD_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cache-control': 'private, no-cache',
  'accept-ranges': 'bytes',
  'cross-origin-resource-policy': 'same-site',
} as const;

/** ASCII without quotes, backslashes or controls: safe inside `filename="…"`. */
const PLAIN_ASCII = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * `Content-Disposition` with the file name as RFC 6266 and RFC 5987 say: a quoted ASCII
 * `filename` for old clients (other characters replaced by `_`) and `filename*` in UTF-8.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = PLAIN_ASCII.test(name) ? name : name.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** `If-None-Match` lists this ETag (or `*`); weak comparison, as RFC 9110 says for this header. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/**
 * The range a `Range` header asks for: one range of bytes (`a-b`, `a-`, `-n`). Null to send
 * the whole file (no header, several ranges, another unit: RFC 9110 lets a server ignore
 * those); `unsatisfiable` for a range outside the file (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [, from, to] = match;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  if (start >= size) return 'unsatisfiable';
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (end < start) return 'unsatisfiable';
  return { start, end };
}

/** Sends an opened attachment with the download headers, `304` for a matching ETag, `206`/`416` for ranges, streamed. */
export async function sendAttachment(request: FastifyRequest, reply: FastifyReply, file: OpenedAttachment, thumbnail: boolean) {
  const etag = `"${file.sha256}"`;
  const inline = isImageType(file.contentType);
  reply.headers({
    ...DOWNLOAD_HEADERS,
    etag,
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', file.record.name),
  });
  if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
  // If-Range: a range of another version of the file would be wrong, so the whole file is sent.
  const ifRange = request.headers['if-range'];
  const range = ifRange !== undefined && ifRange !== etag ? null : parseRange(request.headers.range, file.size);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${file.size}`);
    throw new ApiError('client_error', `The range ${request.headers.range} is outside the file of ${file.size} bytes.`, { status: 416 });
  }
  const stream = await file.read(range ?? undefined);
  if (!stream) throw notFound(thumbnail ? "The attachment's thumbnail" : "The attachment's bytes");
  reply.type(file.contentType);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    reply.header('content-length', range.end - range.start + 1);
  } else {
    reply.header('content-length', file.size);
  }
  return reply.send(stream instanceof Readable ? stream : Readable.from(stream, { objectMode: false }));
}
