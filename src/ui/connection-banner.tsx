import { useEffect, useState } from 'react';
import type { SyncEngine } from '../core/engine/sync-engine.ts';
import { useConnectionState } from '../hooks/use-connection-state.ts';
import { useStrings } from '../i18n/locale-store.ts';

/** A banner while the live connection is down: when the next try is, and a way to try now. */
export function ConnectionBanner({ engine, onRetry }: { engine: SyncEngine; onRetry(): void }) {
  const state = useConnectionState(engine);
  const t = useStrings();
  const [now, setNow] = useState(() => Date.now());
  const counting = state.status === 'reconnecting';
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [counting]);

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
    <div
      role="status"
      className="flex items-center justify-center gap-3 bg-amber-100 px-4 py-1.5 text-sm text-amber-950 dark:bg-amber-900 dark:text-amber-50"
    >
      <span>{text}</span>
      {state.status !== 'offline' && (
        <button type="button" className="font-semibold underline" onClick={onRetry}>
          {t.connection.retryNow}
        </button>
      )}
    </div>
  );
}
