import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

/**
 * Query parameters whose values never reach a log line: tokens (`?token=<jwt>` on the user
 * socket), and the visitor's email (`?email=` on the public socket and public REST): an
 * email is personal data, and the label a visitor is known by.
 */
const SECRET_QUERY_PARAMS = /([?&](?:token|access_token|visitor_token|identity_token|email)=)[^&#]*/gi;
/** A visitor token (`vt_…`, CONTRACT §7) wherever it sits in a URL, path included. */
const VISITOR_TOKEN = /vt_[A-Za-z0-9_-]{8,}/g;

/** Replaces secrets and visitor emails in a URL with `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[redacted]').replace(VISITOR_TOKEN, 'vt_[redacted]');
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
      paths: [
        'req.headers.authorization',
        'req.headers["sec-websocket-protocol"]',
        'req.headers.cookie',
        'token',
        'password',
        'email',
        'visitor_token',
        'identity_token',
        '*.token',
        '*.email',
        '*.visitor_token',
        '*.identity_token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: LoggedRequest) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}
