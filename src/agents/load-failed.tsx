import { ERROR_TEXT } from './settings-styles.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';

/** "The <what> could not be loaded: <why>" with a way to try again. */
export function LoadFailed({ what, error, onRetry }: { what: 'agents' | 'tokens'; error: Error; onRetry(): void }) {
  const t = useStrings();
  return (
    <div role="alert" className={ERROR_TEXT}>
      {t.agents.loadFailed(what, errorText(error, t))}{' '}
      <button type="button" className="underline" onClick={onRetry}>
        {t.common.tryAgain}
      </button>
    </div>
  );
}
