import { useMemo } from 'react';
import { apiBaseUrl, createHttpClient } from '../core/api/http-client.ts';
import { createPrivacyApi, type PrivacyApi } from '../core/api/privacy-api.ts';
import { useRuntimeConfig } from '../config/runtime-config-context.tsx';
import { useSession } from '../sign-in/session-store.ts';

/**
 * The privacy calls (CONTRACT §14) with the signed-in user's token as Bearer, read on every
 * request. Made here, in the lazily loaded privacy code, so the inbox API (initial JS) does not grow.
 */
export function usePrivacyApi(): PrivacyApi {
  const config = useRuntimeConfig();
  return useMemo(
    () => createPrivacyApi(createHttpClient({ baseUrl: apiBaseUrl(config.apiBaseUrl), getToken: () => useSession.getState().token })),
    [config.apiBaseUrl],
  );
}
