import * as v from 'valibot';

/**
 * Settings read at run time from `/config.json`, so one build can point at another
 * AMA2-compatible server. Missing file or fields fall back to the page's own origin.
 */
export interface RuntimeConfig {
  /** The API server's URL without `/api/v1`; `''` is this page's origin. */
  apiBaseUrl: string;
}

const configSchema = v.object({
  apiBaseUrl: v.optional(
    v.pipe(
      v.string(),
      v.check((value) => value === '' || URL.canParse(value), 'apiBaseUrl must be a URL'),
    ),
    '',
  ),
});

export const DEFAULT_CONFIG: RuntimeConfig = { apiBaseUrl: import.meta.env.VITE_API_BASE_URL ?? '' };

export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  let response: Response;
  try {
    response = await fetchImpl('/config.json', { cache: 'no-store' });
  } catch {
    return DEFAULT_CONFIG;
  }
  if (!response.ok) return DEFAULT_CONFIG;
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    console.warn('/config.json is not valid JSON; using the page origin for the API.');
    return DEFAULT_CONFIG;
  }
  const parsed = v.safeParse(configSchema, raw);
  if (!parsed.success) {
    console.warn(`/config.json was ignored: ${parsed.issues[0]?.message ?? 'invalid'}.`);
    return DEFAULT_CONFIG;
  }
  return { apiBaseUrl: parsed.output.apiBaseUrl.replace(/\/+$/, '') || DEFAULT_CONFIG.apiBaseUrl };
}
