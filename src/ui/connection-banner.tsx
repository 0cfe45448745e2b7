import { useEffect, useState } from 'react';
import type { SyncEngine } from '../core/engine/sync-engine.ts';
import { OUTDATED_CLIENT_REASON } from '../core/protocol/protocol-version.ts';
import { useConnectionState } from '../hooks/use-connection-state.ts';
import { useStrings } from '../i18n/locale-store.ts';

const reloadPage = () => window.location.reload();

// Floats over the top of the page rather than pushing it down: nothing moves under a reader or a finger.
const BANNER =
  'fixed inset-x-2 top-2 z-30 mx-auto flex w-fit max-w-[calc(100%-1rem)] flex-wrap items-center justify-center gap-x-3 rounded-md bg-amber-100 px-4 py-1.5 text-sm text-amber-950 shadow-lg ring-1 ring-amber-300 dark:bg-amber-900 dark:text-amber-50 dark:ring-amber-700';

/**
 * A banner while the live connection is down: when the next try is, and a way to try now.
 * When the server speaks a newer protocol, it asks for a reload instead (retrying cannot help).
 */
export function ConnectionBanner({ engine, onRetry, onReload = reloadPage }: { engine: SyncEngine; onRetry(): void; onReload?(): void }) {
  const state = useConnectionState(engine);
  const t = useStrings();
  const [now, setNow] = useState(() => Date.now());
  const counting = state.status === 'reconnecting';
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [counting]);

  if (state.status === 'failed' && state.reason === OUTDATED_CLIENT_REASON) {
    return (
      <div role="alert" className={BANNER}>
        <span>{t.connection.newVersion}</span>
        <button type="button" className="font-semibold underline" onClick={onReload}>
          {t.connection.reload}
        </button>
      </div>
    );
  }

  let text: string | null = null;
  if (state.status === 'reconnecting') {
    const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
    text = seconds > 0 ? t.connection.lostRetryIn(seconds) : t.connection.lostReconnecting;
  } else if (state.status === 'offline') {
    text = t.connection.offline;
  } else if (state.status === 'failed') {
    text = t.connection.failed(state.reason, state.code);
  } else if (state.status === 'paused') {
    text = t.connection.paused;
  }
  if (!text) return null;
  return (
    <div role="status" className={BANNER}>
      <span>{text}</span>
      {state.status !== 'offline' && (
        <button type="button" className="font-semibold underline" onClick={onRetry}>
          {t.connection.retryNow}
        </button>
      )}
    </div>
  );
}
