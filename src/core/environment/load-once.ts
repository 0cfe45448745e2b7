/**
 * `load` run on the first call and its promise shared by every later one; a failure is
 * forgotten, so the next call tries again. For code chunks fetched on first use (a chunk
 * requested offline, or replaced by a deploy, must not stay failed for the page's life).
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = null;
      throw error;
    }));
}
