import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { canRetryAgain, useRunRetries, type RetryRefusal } from './run-retries.ts';
import { ERROR_TEXT, SECONDARY_BUTTON } from './run-styles.ts';

function subscribeOnline(changed: () => void): () => void {
  window.addEventListener('online', changed);
  window.addEventListener('offline', changed);
  return () => {
    window.removeEventListener('online', changed);
    window.removeEventListener('offline', changed);
  };
}

/** The browser's own view of the connection, kept current. */
const useOnline = () => useSyncExternalStore(subscribeOnline, () => navigator.onLine !== false);

function refusalText(refusal: RetryRefusal, t: InboxStrings): string {
  if (refusal.kind === 'failed') return t.runs.retryFailed(errorText(refusal.error, t));
  return t.runs.retryRefused[refusal.kind];
}

/**
 * A failed run's Retry: pressed, it stays where it is (so focus stays on it) but does
 * nothing more and reads "Retrying…" until the new attempt replaces the card; refused, it
 * says why and comes back only when pressing it again can work.
 */
export function RetryControl({ runId, onRetry }: { runId: string; onRetry: () => void }) {
  const t = useStrings();
  const online = useOnline();
  const state = useRunRetries((store) => store.retries.get(runId));
  const retrying = state?.status === 'retrying';
  const refusal = state?.status === 'refused' ? state.refusal : null;
  const offered = refusal === null || canRetryAgain(refusal, online);
  // The pressed button went away with a refusal: the focus moves to the words that say why.
  const statusRef = useRef<HTMLParagraphElement>(null);
  const wasOffered = useRef(offered);
  useEffect(() => {
    const focusLost = document.activeElement === null || document.activeElement === document.body;
    if (wasOffered.current && !offered && focusLost) statusRef.current?.focus({ preventScroll: true });
    wasOffered.current = offered;
  }, [offered]);
  return (
    <>
      {offered && (
        <button
          type="button"
          // aria-disabled rather than disabled: a disabled button would drop the focus.
          aria-disabled={retrying || undefined}
          // At least 44 × 44 for a finger (a phone, a coarse pointer).
          className={`${SECONDARY_BUTTON} ${TOUCH_TARGET} justify-center aria-disabled:cursor-not-allowed aria-disabled:opacity-60`}
          onClick={() => {
            if (!retrying) onRetry();
          }}
        >
          {retrying ? t.runs.retrying : t.runs.retry}
        </button>
      )}
      {/* Always rendered, so screen readers announce what goes into it. */}
      <p ref={statusRef} tabIndex={-1} role="status" className={refusal ? `basis-full ${ERROR_TEXT}` : 'sr-only'}>
        {retrying ? t.runs.retrying : refusal ? refusalText(refusal, t) : ''}
      </p>
    </>
  );
}
