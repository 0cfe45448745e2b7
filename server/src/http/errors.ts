import type { ApiErrorBody, ErrorCode } from '../../../src/core/protocol/model.ts';

const STATUS: Record<ErrorCode, number> = {
  client_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  server_error: 500,
  unavailable: 503,
  identity_invalid: 401,
  identity_required: 401,
  unsupported_media_type: 415,
};

/** An error with a contract code (CONTRACT §2); routes throw it, one handler renders it. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { status?: number; retryAfterSeconds?: number; maxBytes?: number } = {},
  ) {
    super(message);
    this.status = options.status ?? STATUS[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.maxBytes = options.maxBytes;
  }
  readonly retryAfterSeconds: number | undefined;
  /** A `413` for a file over a limit: the limit, so a client that cannot know it (a user's `ATTACHMENT_MAX_BYTES`) can say it. */
  readonly maxBytes: number | undefined;

  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'server_error' || this.code === 'unavailable';
  }

  toBody(): ApiErrorBody {
    const error = { code: this.code, message: this.message, retryable: this.retryable };
    return { error: this.maxBytes === undefined ? error : { ...error, max_bytes: this.maxBytes } };
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} was not found.`);
export const badRequest = (message: string) => new ApiError('client_error', message);

/** Seconds a client is asked to wait before retrying after a 503 (`Retry-After`). */
export const UNAVAILABLE_RETRY_AFTER_S = 1;

/** A retryable 503 `unavailable` with `Retry-After` (CONTRACT §2): the database is away, the process is stopping, …. */
export const unavailable = (message: string) => new ApiError('unavailable', message, { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_S });
