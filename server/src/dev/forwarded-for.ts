import type net from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

/** Largest request head passed on (Node's own default `maxHeaderSize`: the server refuses larger ones anyway). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Largest chunk-size line of a chunked body (size and extensions). */
const MAX_CHUNK_LINE_BYTES = 1024;
/** Most hex digits a chunk size may have: more could not be counted exactly. */
const MAX_CHUNK_SIZE_DIGITS = 12;

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** RFC 9110 `token`: methods and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Whether `text` has a control character other than tab: never in a header value, a request target or a chunk extension. */
function hasControl(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/** A request the balancer will not pass on: the client gets this status, and the connection closes. */
export class HttpFramingError extends Error {
  constructor(
    readonly status: 400 | 431,
    message: string,
  ) {
    super(message);
  }
}

type State =
  | { kind: 'head' }
  | { kind: 'body'; left: number; then: 'head' | 'chunk-end' }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-end' }
  | { kind: 'trailer'; bytes: number }
  | { kind: 'tunnel' };

/**
 * Rewrites the client → server half of an HTTP/1.1 connection so that every request carries
 * the client's address as the last `X-Forwarded-For` entry: `TRUST_PROXY=1` on the servers
 * then reads exactly that entry, and whatever a client wrote in the header itself stays to
 * its left, where it is not believed.
 *
 * Each request head (including every request of a keep-alive connection) gets the entry; its
 * body is passed on untouched by its framing (`Content-Length`, or `chunked`). After a
 * WebSocket upgrade (or CONNECT) the rest is passed on as it is: Node's HTTP server hands
 * such a connection to its `upgrade` handler and never parses another request on it, and
 * our handler either upgrades it or answers and closes it. The framing rules are those of
 * Node's parser, only stricter: anything it might read differently (both or several length
 * headers, another transfer coding, folded or malformed header lines, bare CR or LF) is
 * refused, so balancer and server can never disagree on where a request ends (request
 * smuggling). Chosen over the PROXY protocol, which Node's HTTP server (and so Fastify)
 * cannot read: the server would need a listener of its own in front of its HTTP parser.
 */
export class ForwardedForInjector extends Transform {
  private state: State = { kind: 'head' };
  private leftover: Buffer = Buffer.alloc(0);
  /** Request heads passed on so far (a refusal after the first cannot be answered cleanly). */
  requests = 0;

  constructor(private readonly clientAddress: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(this.leftover.length > 0 ? Buffer.concat([this.leftover, chunk]) : chunk);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private consume(data: Buffer): void {
    let offset = 0;
    this.leftover = Buffer.alloc(0);
    while (offset < data.length) {
      const state = this.state;
      if (state.kind === 'tunnel') {
        this.push(data.subarray(offset));
        return;
      }
      if (state.kind === 'body') {
        const take = Math.min(state.left, data.length - offset);
        this.push(data.subarray(offset, offset + take));
        offset += take;
        state.left -= take;
        if (state.left === 0) this.state = { kind: state.then };
        continue;
      }
      if (state.kind === 'chunk-end') {
        if (data.length - offset < CRLF.length) break;
        if (!data.subarray(offset, offset + CRLF.length).equals(CRLF)) throw new HttpFramingError(400, 'A chunk must end with CRLF.');
        this.push(CRLF);
        offset += CRLF.length;
        this.state = { kind: 'chunk-size' };
        continue;
      }
      if (state.kind === 'head') {
        // Empty lines before a request line are tolerated by HTTP parsers; they are dropped.
        if (data[offset] === 0x0d && data[offset + 1] === 0x0a) {
          offset += 2;
          continue;
        }
        const end = data.indexOf(HEAD_END, offset);
        if (end === -1) {
          if (data.length - offset > MAX_HEAD_BYTES) throw new HttpFramingError(431, 'Request header fields too large.');
          break;
        }
        if (end - offset > MAX_HEAD_BYTES) throw new HttpFramingError(431, 'Request header fields too large.');
        this.push(this.rewriteHead(data.toString('latin1', offset, end)));
        offset = end + HEAD_END.length;
        continue;
      }
      const end = data.indexOf(CRLF, offset);
      const limit = state.kind === 'chunk-size' ? MAX_CHUNK_LINE_BYTES : MAX_HEAD_BYTES - state.bytes;
      if (end === -1 || end - offset > limit) {
        if (data.length - offset > limit) throw new HttpFramingError(400, 'A chunk line or trailer is too long.');
        break;
      }
      const line = data.toString('latin1', offset, end);
      if (/[\r\n]/.test(line)) throw new HttpFramingError(400, 'Bare CR or LF in a chunked body.');
      this.push(data.subarray(offset, end + CRLF.length));
      offset = end + CRLF.length;
      if (state.kind === 'chunk-size') {
        const size = /^([0-9A-Fa-f]+)(?:;.*)?$/.exec(line)?.[1];
        if (size === undefined || size.length > MAX_CHUNK_SIZE_DIGITS || hasControl(line))
          throw new HttpFramingError(400, 'Invalid chunk size.');
        const bytes = parseInt(size, 16);
        this.state = bytes === 0 ? { kind: 'trailer', bytes: 0 } : { kind: 'body', left: bytes, then: 'chunk-end' };
      } else if (line === '') {
        this.state = { kind: 'head' };
      } else {
        if (!isHeaderLine(line)) throw new HttpFramingError(400, 'Invalid trailer field.');
        state.bytes += line.length + CRLF.length;
      }
    }
    this.leftover = Buffer.from(data.subarray(offset));
  }

  /** Checks one request head and returns it with the client's address appended to X-Forwarded-For. */
  private rewriteHead(head: string): Buffer {
    if (/\r(?!\n)|(?<!\r)\n/.test(head)) throw new HttpFramingError(400, 'Bare CR or LF in the request head.');
    const [requestLine = '', ...fields] = head.split('\r\n');
    const [method = '', target = '', version = '', extra] = requestLine.split(' ');
    if (!TOKEN.test(method) || target === '' || hasControl(target) || !/^HTTP\/1\.[01]$/.test(version) || extra !== undefined) {
      throw new HttpFramingError(400, 'Invalid request line.');
    }
    const kept: string[] = [];
    const forwarded: string[] = [];
    let contentLength: string | undefined;
    let chunked = false;
    let upgrade = false;
    let connectionUpgrade = false;
    for (const field of fields) {
      if (!isHeaderLine(field)) throw new HttpFramingError(400, 'Invalid header field.');
      const colon = field.indexOf(':');
      const name = field.slice(0, colon).toLowerCase();
      const value = field.slice(colon + 1).trim();
      if (name === 'x-forwarded-for') {
        if (value !== '') forwarded.push(value);
        continue;
      }
      if (name === 'content-length') {
        if (contentLength !== undefined || !/^\d{1,15}$/.test(value)) throw new HttpFramingError(400, 'Invalid Content-Length.');
        contentLength = value;
      } else if (name === 'transfer-encoding') {
        if (chunked || value.toLowerCase() !== 'chunked' || version !== 'HTTP/1.1') {
          throw new HttpFramingError(400, 'Only "Transfer-Encoding: chunked" is accepted, once, on HTTP/1.1.');
        }
        chunked = true;
      } else if (name === 'upgrade') {
        upgrade = true;
      } else if (name === 'connection') {
        connectionUpgrade ||= value
          .toLowerCase()
          .split(',')
          .some((token) => token.trim() === 'upgrade');
      }
      kept.push(field);
    }
    if (chunked && contentLength !== undefined) throw new HttpFramingError(400, 'Both Content-Length and Transfer-Encoding.');
    forwarded.push(this.clientAddress);
    kept.push(`X-Forwarded-For: ${forwarded.join(', ')}`);
    this.requests++;
    // The same rule as Node's parser (llhttp): an upgrade needs both headers; CONNECT always tunnels.
    if (method === 'CONNECT' || (upgrade && connectionUpgrade)) this.state = { kind: 'tunnel' };
    else if (chunked) this.state = { kind: 'chunk-size' };
    else if (contentLength !== undefined && Number(contentLength) > 0)
      this.state = { kind: 'body', left: Number(contentLength), then: 'head' };
    return Buffer.from(`${requestLine}\r\n${kept.join('\r\n')}\r\n\r\n`, 'latin1');
  }
}

/** `name: value` with a token name, no space before the colon (no obs-fold), no control characters in the value. */
function isHeaderLine(line: string): boolean {
  const colon = line.indexOf(':');
  return colon > 0 && TOKEN.test(line.slice(0, colon)) && !hasControl(line.slice(colon + 1));
}

/**
 * Passes what `client` sends to `backend` through a {@link ForwardedForInjector}. A request
 * that cannot be passed on safely gets its status (when it is the connection's first, so the
 * answer cannot land inside another response), and the connection closes.
 */
export function pipeWithForwardedFor(client: net.Socket, backend: net.Socket): void {
  const injector = new ForwardedForInjector(client.remoteAddress ?? '');
  injector.on('error', (error) => {
    client.unpipe(injector);
    if (error instanceof HttpFramingError && injector.requests === 0) {
      const text = error.message;
      const reason = error.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
      // The backend goes once the answer is out: its close closes the client too.
      client.end(
        `HTTP/1.1 ${error.status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
        () => backend.destroy(),
      );
    } else {
      backend.destroy();
      client.destroy();
    }
  });
  client.pipe(injector).pipe(backend);
}
