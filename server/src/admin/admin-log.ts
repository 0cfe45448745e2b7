import type { FastifyBaseLogger } from 'fastify';

/** Levels the admin command shows; the server's `info` lines (ids, counts) are not for the terminal. */
const SHOWN = new Set(['warn', 'error', 'fatal']);

/** A logged `err`'s words only: never its stack, nor the properties a driver may attach (a query's parameters). */
function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The logger that the services an admin command runs (erasure, webhook delivery, NATS) write
 * to: warnings and errors as one line in words on stderr (`admin: warning: …`), the rest
 * dropped. Those services log ids and counts, never content or a credential; this keeps only
 * an error's message besides.
 */
export function adminLog(stderr: NodeJS.WritableStream): FastifyBaseLogger {
  const write =
    (level: string) =>
    (first: unknown, second?: unknown): void => {
      if (!SHOWN.has(level)) return;
      const [fields, message] = typeof first === 'string' ? [{}, first] : [(first ?? {}) as Record<string, unknown>, String(second ?? '')];
      const details = Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key === 'err' ? 'error' : key}: ${describe(value)}`);
      stderr.write(`admin: ${level === 'warn' ? 'warning' : level}: ${message}${details.length > 0 ? ` (${details.join('; ')})` : ''}\n`);
    };
  const log = {
    level: 'warn',
    fatal: write('fatal'),
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    trace: write('trace'),
    silent: () => undefined,
    child: () => log,
  };
  return log as unknown as FastifyBaseLogger;
}
