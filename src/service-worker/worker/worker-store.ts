/**
 * The little the service worker keeps between its runs (the browser stops an idle worker, so
 * memory is lost): the inbox's language and the notification ids decided or opened here. In
 * the Cache API under this worker's scope, one JSON entry each: never a file of the app (the
 * worker caches no page or script, so an update can never serve stale UI).
 */

/** One store for every version of the worker: the language survives an update. */
const STORE_NAME = 'ama2-service-worker';
export const LANGUAGE_KEY = '/__ama2-sw/language';
export const DONE_KEY = '/__ama2-sw/done';

/** The value kept under `key`, or null when there is none (or it is unreadable). */
export async function readValue(key: string): Promise<unknown> {
  try {
    const response = await (await caches.open(STORE_NAME)).match(key);
    return response ? ((await response.json()) as unknown) : null;
  } catch {
    return null;
  }
}

export async function writeValue(key: string, value: unknown): Promise<void> {
  const cache = await caches.open(STORE_NAME);
  await cache.put(key, new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } }));
}

/** The remembered notification ids (a list of strings), whatever was kept. */
export async function readDoneIds(): Promise<string[]> {
  const value = await readValue(DONE_KEY);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
