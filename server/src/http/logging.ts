import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, DestinationStream, Logger } from 'pino';
import { normalizeAddress } from './client-address.ts';

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
  raw?: IncomingMessage;
  headers?: Record<string, unknown>;
}

/**
 * Pino options for Fastify. Tokens travel in `Authorization`, in `?token=` and in
 * `Sec-WebSocket-Protocol`; the request serializer logs none of them.
 */
export function loggerOptions(
  level: string,
  stream?: DestinationStream,
  clientAddress?: (request: IncomingMessage) => string,
): FastifyServerOptions['logger'] {
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
        // Behind trusted proxies the client's address is logged beside the peer's (the proxy).
        const client = request.raw && clientAddress?.(request.raw);
        return {
          method: request.method,
          url: redactUrl(request.url),
          remoteAddress: request.ip,
          ...(client && client !== normalizeAddress(request.ip ?? '') ? { clientAddress: client } : {}),
        };
      },
    },
  };
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger (`request.log`) that becomes a real pino child, with the request's
 * bindings (`reqId`), only when something is logged at an enabled level. Pino builds each
 * child eagerly and runs the redaction over its bindings: at `LOG_LEVEL=warn` nearly every
 * request paid that for nothing. Lines written are the same as the eager child's.
 */
class LazyChildLogger implements FastifyBaseLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings, this.options));
  }

  private write(level: LevelName, args: unknown[]): void {
    const enabled = this.real !== undefined || ((this.parent as Partial<Logger>).isLevelEnabled?.(level) ?? true);
    if (enabled) (this.logger[level] as (...values: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.real?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: request loggers are made lazily (see {@link LazyChildLogger}),
 * except for routes with their own log level or serializers, which get their child at once.
 */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  return new LazyChildLogger(logger, bindings, options);
}
