import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiError } from './errors.ts';

/**
 * Writes a whole HTTP answer with the contract's error body (CONTRACT §2) straight to a
 * socket and closes it: for refused WebSocket upgrades and for requests Node's parser could
 * not read, which never reach Fastify's reply.
 */
export function writeRawError(socket: Duplex, status: number, error: ApiError): void {
  if (socket.destroyed) return;
  socket.on('error', () => socket.destroy());
  const body = Buffer.from(JSON.stringify(error.toBody()), 'utf8');
  const retryAfter = error.retryAfterSeconds === undefined ? '' : `Retry-After: ${error.retryAfterSeconds}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${body.length}\r\n${retryAfter}\r\n${body.toString('utf8')}`,
  );
}
