import { STORE_NAMES, type Storage } from './storage.ts';

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

/** When calls of one kind give up. */
export interface Deadline {
  /** A call fails once no call of its kind has been answered for this long (the database is away or stuck). */
  stallMs: number;
  /** A call fails after this long in any case. */
  capMs: number;
}

/** When a call to a storage wrapped by {@link withDeadline} gives up. */
export interface StorageDeadlines {
  calls: Deadline;
  /**
   * Calls (`store.method`) that wait behind each other by design (appends queued on a write lane, whose group
   * may wait for another process's lock on the thread): a long queue is no outage, so they
   * get no deadline here. They fail fast anyway when the database is away (the connection
   * is refused or times out) and the database's `statement_timeout` bounds each statement.
   */
  exempt?: ReadonlySet<string>;
}

/**
 * Gives every call of `storage` a deadline, so a request never waits on a database that is
 * away (a query queued for a connection that cannot be made waits for nothing else): a call
 * rejects with {@link StorageUnavailableError} when no call of this storage has been
 * answered for `stallMs` (an outage: nothing comes back), or when it has waited `capMs`. A
 * busy database that keeps answering other calls is given until the cap, so a burst of
 * writes queued behind each other is not failed for being queued. The call itself may still
 * finish later; writes are idempotent or one transaction each. The calls of every store
 * (`storage.threads.get`, named `threads.get` in {@link StorageDeadlines.exempt}) share the
 * root's progress; `close` has no deadline.
 */
export function withDeadline<S extends Storage>(storage: S, deadlines: StorageDeadlines): S {
  const progress = { at: performance.now() };
  const stores = new Map<PropertyKey, unknown>(
    STORE_NAMES.map((name) => [name, deadlineProxy(storage[name], `${name}.`, deadlines, progress, new Map())]),
  );
  return deadlineProxy(storage, '', deadlines, progress, stores);
}

/** `target` with its own methods raced against the deadline; `nested` answers for the stores. */
function deadlineProxy<T extends object>(
  target: T,
  prefix: string,
  deadlines: StorageDeadlines,
  progress: { at: number },
  nested: ReadonlyMap<PropertyKey, unknown>,
): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(target, property) {
      if (nested.has(property)) return nested.get(property);
      const value: unknown = Reflect.get(target, property, target);
      // Only the object's own methods: its fields (the driver's `sql` is a function too) stay as they are.
      const isMethod = typeof value === 'function' && property !== 'constructor' && isOwnMethod(target, property);
      if (!isMethod) return value;
      const name = `${prefix}${String(property)}`;
      if (name === 'close') return (value as () => Promise<void>).bind(target);
      let call = wrapped.get(property);
      if (!call) {
        const method = value as (...args: unknown[]) => unknown;
        call = (...args: unknown[]) => {
          const result = method.apply(target, args);
          if (!(result instanceof Promise)) return result;
          return deadlines.exempt?.has(name) ? result : raceDeadline(result, deadlines.calls, progress, name);
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

function raceDeadline<T>(work: Promise<T>, deadlines: Deadline, progress: { at: number }, name: string): Promise<T> {
  const started = performance.now();
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout;
    const check = () => {
      const now = performance.now();
      const giveUpAt = Math.min(Math.max(started, progress.at) + deadlines.stallMs, started + deadlines.capMs);
      if (now >= giveUpAt) {
        reject(new StorageUnavailableError(`The database did not answer ${name} in time.`));
        return;
      }
      timer = setTimeout(check, giveUpAt - now);
    };
    timer = setTimeout(check, Math.min(deadlines.stallMs, deadlines.capMs));
    work.then(
      (value) => {
        clearTimeout(timer);
        progress.at = performance.now();
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // An answer, even a refusal, shows the database is there.
        if (!isStorageUnavailable(error)) progress.at = performance.now();
        reject(error as Error);
      },
    );
  });
}

/**
 * Storage failures that pass: the same request may well succeed a moment later (a lock freed,
 * disk space back), and nothing of the failed one was stored. Requests that meet one get
 * `503 unavailable` with `retryable: true` (CONTRACT §2); a retried send with the same
 * `client_message_id` then commits once.
 */

/** PostgreSQL SQLSTATEs of a wait or a conflict that ended the statement, not a bad one. */
const POSTGRES_TRANSIENT: Record<string, string> = {
  // lock_not_available: `lock_timeout` ran out (a stalled process holds the thread).
  '55P03': 'The conversation is busy; try again.',
  // idle_in_transaction_session_timeout ended this connection's transaction.
  '25P03': 'The database ended a stalled transaction; try again.',
  '40P01': 'The conversation is busy; try again.', // deadlock_detected
  '40001': 'The conversation is busy; try again.', // serialization_failure
};

/** SQLite result codes (better-sqlite3's `code`, extended codes included) of a full or unwritable disk. */
const SQLITE_TRANSIENT: [prefix: string, message: string][] = [
  ['SQLITE_FULL', "The server's disk is full; try again later."],
  ['SQLITE_READONLY', "The server's database cannot be written now; try again later."],
  ['SQLITE_IOERR', "The server's disk failed to write; try again later."],
  ['SQLITE_BUSY', 'The database is busy; try again.'],
  ['SQLITE_CANTOPEN', "The server's database cannot be opened now; try again later."],
];

/** The message for the client when `error` is a storage failure that passes, else undefined. */
export function transientStorageFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (Object.hasOwn(POSTGRES_TRANSIENT, code)) return POSTGRES_TRANSIENT[code];
  return SQLITE_TRANSIENT.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
}

/**
 * What to tell a client when a request or socket frame met a storage failure that passes
 * (the database away or past a deadline, a lock held elsewhere, a full disk), else undefined:
 * the one judgement behind every retryable `503 unavailable` and socket `upstream_error`.
 */
export function storageFailureMessage(error: unknown): string | undefined {
  return isStorageUnavailable(error) ? 'The database is not answering right now; try again in a moment.' : transientStorageFailure(error);
}

/** The error's code alone, for a log line: a driver error's detail may quote the request's data. */
export function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
