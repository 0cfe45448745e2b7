import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, DestinationStream, Logger } from 'pino';
import { decodeAsciiEscapes } from './percent-decoding.ts';
import { normalizeAddress } from './client-address.ts';

/**
 * Query parameters whose values never reach a log line: tokens (`?token=<jwt>` on the user
 * socket), and the visitor's email (`?email=` on the public socket and public REST): an
 * email is personal data, and the label a visitor is known by. Names are compared after
 * decoding and in lower case: `?%74oken=` is `?token=` to the server, so to the log too.
 */
const SECRET_QUERY_PARAMS: ReadonlySet<string> = new Set(['token', 'access_token', 'visitor_token', 'identity_token', 'email']);
/** Credentials by their shape, wherever they sit in a URL (path or any parameter): visitor tokens (CONTRACT §7), agent tokens, JWTs. */
const SECRET_SHAPES: readonly [RegExp, string][] = [
  [/vt_[A-Za-z0-9_-]{8,}/g, 'vt_[redacted]'],
  [/ama_eat_[A-Za-z0-9_-]{8,}/g, 'ama_eat_[redacted]'],
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted]'],
];
const REDACTED = '[redacted]';

/** A part of a URL with every credential-shaped run redacted, judged decoded; an innocent part stays as it was sent. */
function redactShapes(part: string): string {
  const decoded = decodeAsciiEscapes(part);
  let redacted = decoded;
  for (const [shape, replacement] of SECRET_SHAPES) redacted = redacted.replace(shape, replacement);
  return redacted === decoded ? part : redacted;
}

/** A query parameter's name as the server reads it (`+` is a space, escapes decoded), in lower case. */
function parameterName(rawName: string): string {
  return decodeAsciiEscapes(rawName.replace(/\+/g, ' ')).trim().toLowerCase();
}

function redactParameter(pair: string): string {
  const equals = pair.indexOf('=');
  const rawName = equals < 0 ? pair : pair.slice(0, equals);
  if (SECRET_QUERY_PARAMS.has(parameterName(rawName))) return equals < 0 ? pair : `${rawName}=${REDACTED}`;
  return redactShapes(pair);
}

/**
 * Replaces secrets and visitor emails in a URL with `[redacted]`: the values of the
 * parameters above, whatever the spelling of their names, and anything shaped like a token,
 * percent-encoded or not, in the path and in every parameter.
 */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : `#${redactShapes(url.slice(hashAt + 1))}`;
  const queryAt = beforeHash.indexOf('?');
  if (queryAt < 0) return redactShapes(beforeHash) + fragment;
  const query = beforeHash
    .slice(queryAt + 1)
    .split('&')
    .map(redactParameter)
    .join('&');
  return `${redactShapes(beforeHash.slice(0, queryAt))}?${query}${fragment}`;
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
