import { ApiError } from '../core/api/api-error.ts';
import type { InboxStrings } from './catalog-en.ts';

/**
 * A failure in the active language: an API error through the catalog (its code says what
 * happened; English keeps the server's more specific message), anything else as its own
 * message, or the catalog's generic words when it has none.
 */
export function errorText(error: unknown, t: InboxStrings): string {
  if (ApiError.is(error)) return t.apiError(error.code, error.message);
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string' && error) return error;
  return t.runs.genericError;
}
