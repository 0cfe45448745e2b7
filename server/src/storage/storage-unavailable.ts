import type { Storage } from './storage.ts';

/**
 * The database did not answer in time, or could not be reached: the request may be retried
 * (its outcome is unknown when it was a write, which idempotency keys make safe to repeat).
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/** postgres.js's own connection error codes and the socket errors of a database that is away. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away, starting, full or past a deadline: admin, crash
 * and "cannot connect now" shutdowns, too many connections, and a cancelled statement
 * (`statement_timeout`). Class 08 (connection exceptions) is matched by its prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** Whether an error means "the database is unavailable right now" (retry later), as opposed to a bug or bad input. */
export function isStorageUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof StorageUnavailableError) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (current.name === 'PostgresError' && code.startsWith('08')) return true;
  }
  return false;
}

/**
 * Gives every call of `storage` a deadline: a call still unanswered after `deadlineMs`
 * rejects with {@link StorageUnavailableError}, so a request never waits on a database that
 * is away (a query queued for a connection that cannot be made waits for nothing else).
 * The call itself may still finish later; writes are idempotent or one transaction each.
 * `close` has no deadline.
 */
export function withDeadline<S extends Storage>(storage: S, deadlineMs: number): S {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(storage, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      // Only the storage's own methods: its fields (the driver's `sql` is a function too) stay as they are.
      const isMethod = typeof value === 'function' && property !== 'constructor' && isOwnMethod(target, property);
      if (!isMethod) return value;
      if (property === 'close') return (value as () => Promise<void>).bind(target);
      let call = wrapped.get(property);
      if (!call) {
        const method = value as (...args: unknown[]) => unknown;
        call = (...args: unknown[]) => {
          const result = method.apply(target, args);
          return result instanceof Promise ? raceDeadline(result, deadlineMs, String(property)) : result;
        };
        wrapped.set(property, call);
      }
      return call;
    },
  });
}

function isOwnMethod(target: object, property: PropertyKey): boolean {
  for (
    let proto = Object.getPrototypeOf(target) as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    if (Object.hasOwn(proto, property)) return true;
  }
  return false;
}

function raceDeadline<T>(work: Promise<T>, deadlineMs: number, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new StorageUnavailableError(`The database did not answer ${name} within ${deadlineMs} ms.`)),
      deadlineMs,
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}
