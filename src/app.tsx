import { useEffect, useState } from 'react';

type Health = 'checking' | 'up' | 'down';

/**
 * Placeholder until the inbox lands: says what this server is and whether its API
 * answers, so `npm start` shows something true at `/`.
 */
export function App() {
  const [health, setHealth] = useState<Health>('checking');

  useEffect(() => {
    const controller = new AbortController();
    fetch('/healthz', { signal: controller.signal })
      .then((response) => setHealth(response.ok ? 'up' : 'down'))
      .catch(() => {
        if (!controller.signal.aborted) setHealth('down');
      });
    return () => controller.abort();
  }, []);

  return (
    <main className="min-h-screen bg-white text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <div className="mx-auto max-w-xl px-6 py-16">
        <h1 className="text-2xl font-semibold">Inbox</h1>
        <p className="mt-3 text-slate-600 dark:text-slate-300">
          The signed-in inbox is on its way. The local AMA2 server is ready for it.
        </p>
        <p className="mt-6" role="status">
          API status:{' '}
          <strong data-testid="api-status">
            {health === 'checking' ? 'checking…' : health === 'up' ? 'online' : 'unreachable'}
          </strong>
        </p>
        <p className="mt-6 text-sm text-slate-600 dark:text-slate-300">
          The REST API is described at{' '}
          <a className="text-indigo-700 underline dark:text-indigo-300" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>
          .
        </p>
      </div>
    </main>
  );
}
