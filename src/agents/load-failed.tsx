import { ERROR_TEXT } from './settings-styles.ts';

/** "The <what> could not be loaded: <why>" with a way to try again. */
export function LoadFailed({ what, error, onRetry }: { what: string; error: Error; onRetry(): void }) {
  return (
    <div role="alert" className={ERROR_TEXT}>
      The {what} could not be loaded: {error.message}{' '}
      <button type="button" className="underline" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
