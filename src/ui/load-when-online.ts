/**
 * Loads a chunk for `React.lazy`; a load that fails while the browser is offline waits for the
 * connection and is tried again, so the Suspense around it shows its fallback meanwhile instead
 * of an error (a message sent offline with files must not break its thread: issue 19). A load
 * that fails while online (a release replaced the chunk) still fails, to the error boundary.
 */
export function loadWhenOnline<T>(load: () => Promise<T>): Promise<T> {
  return load().catch((error: unknown) =>
    navigator.onLine
      ? Promise.reject(error)
      : new Promise<void>((resolve) => addEventListener('online', () => resolve(), { once: true })).then(() => loadWhenOnline(load)),
  );
}
