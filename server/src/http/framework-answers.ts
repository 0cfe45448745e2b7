import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { ApiError, badRequest, unavailable } from './errors.ts';
import { writeRawError } from './raw-answers.ts';

/** Node's parser errors that have a status of their own; every other unreadable request is a 400. */
const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** Fastify's answers for URLs its router cannot take, in the contract's shape (CONTRACT §2). */
function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const answer =
    error.code === 'FST_ERR_BAD_URL'
      ? badRequest('The request path is not a valid URL (bad percent-encoding?).')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? badRequest('A path segment is too long.')
        : new ApiError('server_error', 'Something went wrong on the server; try again.');
  void reply.code(answer.status).send(answer.toBody());
}

/** A request Node's HTTP parser could not read (bad request line, headers too large): answered before Fastify sees it. */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = (error.code && CLIENT_ERROR_STATUS[error.code]) || 400;
  const message =
    status === 431
      ? 'The request headers are too large.'
      : status === 408
        ? 'The request took too long to arrive.'
        : 'The request is not valid HTTP.';
  writeRawError(socket, status, new ApiError('client_error', message, { status }));
}

/** Fastify options that make its own answers (bad URLs, unreadable requests, shutdown) speak the contract. */
export const frameworkAnswerOptions = {
  frameworkErrors,
  clientErrorHandler,
  // Fastify's own 503 while closing has its own body: the hook of installClosingAnswer answers instead.
  return503OnClosing: false,
} satisfies Partial<FastifyServerOptions>;

/**
 * While the server shuts down (a rolling restart), requests that still arrive on open
 * keep-alive connections get a retryable `503 unavailable` with `Retry-After` and
 * `Connection: close`, so the client retries through the balancer on another process.
 */
export function installClosingAnswer(fastify: FastifyInstance, isClosing: () => boolean): void {
  fastify.addHook('onRequest', async (_request, reply) => {
    if (!isClosing()) return;
    const answer = unavailable('The server is restarting; try again.');
    return reply.code(503).header('connection', 'close').header('retry-after', String(answer.retryAfterSeconds)).send(answer.toBody());
  });
}
