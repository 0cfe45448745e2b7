import { connect, type Socket } from 'node:net';

/** One HTTP answer as read off the wire. */
export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** Splits everything a server wrote on one connection into its whole answers (Content-Length framed). */
export function parseResponses(raw: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? rest.length - end - 4);
    // An answer still arriving is left for the next read.
    if (rest.length < end + 4 + length) break;
    const body = rest.subarray(end + 4, end + 4 + length);
    responses.push({ status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') });
    rest = rest.subarray(end + 4 + length);
  }
  return responses;
}

/** A raw TCP connection to a server, for requests no HTTP client would send (bad request lines, pipelining). */
export class RawConnection {
  private readonly chunks: Buffer[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => socket.destroy());
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (error) => (error ? reject(error) : resolve())));
  }

  /** Everything received so far, as answers. */
  responses(): RawResponse[] {
    return parseResponses(Buffer.concat(this.chunks));
  }

  /** Waits until `count` whole answers arrived (or the server closed the connection), and returns them. */
  async waitFor(count: number): Promise<RawResponse[]> {
    let done = false;
    void this.closed.then(() => (done = true));
    while (!done && this.responses().length < count) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.responses();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One request on a fresh connection, the answer read until the server closes or answers. */
export async function rawExchange(url: string, request: string): Promise<RawResponse> {
  const connection = await RawConnection.open(url);
  await connection.write(request);
  const [response] = await connection.waitFor(1);
  connection.destroy();
  if (!response) throw new Error(`no answer to ${JSON.stringify(request.split('\r\n')[0])}`);
  return response;
}
