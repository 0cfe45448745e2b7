import type { ErrorCode } from '../protocol/model.ts';

/** Error codes of the contract (CONTRACT §2) plus what can go wrong before a server answers. */
export type ApiErrorCode = ErrorCode | 'network_error' | 'timeout' | 'aborted' | 'invalid_response';

/**
 * A failed API call as a typed value: the contract's `code`, whether trying again can help
 * (`retryable`), the HTTP status when there was one, and how long the server asked us to
 * wait (`Retry-After`). API functions reject with this and nothing else.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  static is(error: unknown): error is ApiError {
    return error instanceof ApiError;
  }
}
