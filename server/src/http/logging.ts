import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

/** Query parameters whose values never reach a log line. */
const SECRET_QUERY_PARAMS = /([?&](?:token|access_token)=)[^&#]*/gi;

/** Replaces secrets in a URL (`?token=<jwt>` on the user socket) with `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[redacted]');
}

interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
  headers?: Record<string, unknown>;
}

/**
 * Pino options for Fastify. Tokens travel in `Authorization`, in `?token=` and in
 * `Sec-WebSocket-Protocol`; the request serializer logs none of them.
 */
export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]', 'req.headers.cookie', 'token', 'password'],
      censor: '[redacted]',
    },
    serializers: {
      req(request: LoggedRequest) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}
