import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';
import type { HostPolicy } from './host-policy.ts';
import { writeRawError } from './raw-answers.ts';

/** HTTP 421 Misdirected Request: this server is not the one the name was meant for. */
const MISDIRECTED = 421;
/**
 * Answered whatever the Host: health probes (a load balancer, a container runtime) use the
 * machine's address as Host, and `{"status":"ok"}` tells a rebinding page nothing.
 */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Refuses every request whose `Host` is not allowed (CONTRACT §10), before any route, static
 * file or not-found handler runs: 421 with the contract error body under `/api`, plain text
 * elsewhere. The WebSocket upgrade is checked in the server's `upgrade` listener.
 */
export function installHostCheck(app: FastifyInstance, hosts: HostPolicy): void {
  app.addHook('onRequest', async (request, reply) => {
    if (hosts.allows(request.headers.host) || OPEN_PATHS.has(request.url)) return;
    const message = hosts.refusal(request.headers.host);
    reply.code(MISDIRECTED).header('x-content-type-options', 'nosniff');
    if (request.url.startsWith('/api/')) {
      return reply.send(new ApiError('client_error', message, { status: MISDIRECTED }).toBody());
    }
    return reply.type('text/plain; charset=utf-8').send(message);
  });
}

/** Refuses a WebSocket upgrade for a Host that is not allowed, before any socket exists (contract error body). */
export function refuseUpgradeForHost(socket: Duplex, message: string): void {
  writeRawError(socket, MISDIRECTED, new ApiError('client_error', message, { status: MISDIRECTED }));
}
