/**
 * `AMA2Chat.reset()`, for a site's sign-out on a shared computer: the widget forgets the
 * visitor on this device (its stored record, which the visitor's other tabs of the site
 * hear, see tab-sync.ts) and asks the server to revoke the visitor token, so a copy of it
 * opens nothing. The conversation itself stays with the agent's owners.
 */
import { createPublicApi, type PublicApi } from '../../src/core/api/public-api.ts';
import type { PanelController } from '../shared/panel-contract.ts';
import type { WidgetEventMap } from '../shared/widget-events.ts';
import { loadVisitor, removeVisitor, safeStorage, visitorKey } from '../shared/visitor-store.ts';
import type { WidgetOptions } from '../shared/widget-options.ts';

/** Removes the stored record of this agent and revokes `token` (when there is one); a failed revoke is reported, never thrown. */
export function forgetDevice(
  deps: { api: PublicApi; storage: Storage | null },
  options: WidgetOptions,
  token: string | null,
  report: (message: string) => void,
): void {
  removeVisitor(visitorKey(options.apiBaseUrl, options.agent), deps.storage);
  if (token)
    deps.api
      .forgetVisitorToken(options.agent, token)
      .catch((error: unknown) => report(error instanceof Error ? error.message : String(error)));
}

/**
 * The loader's `reset()`: the mounted panel's, else (nothing starts) the token is read from
 * storage here. In this module rather than the loader, which stays small.
 */
export function forgetVisitor(
  options: WidgetOptions,
  emit: (event: 'error', payload: WidgetEventMap['error']) => void,
  panel: PanelController | null,
  setUnread: (count: number) => void,
): void {
  if (panel) return panel.reset();
  setUnread(0);
  const storage = safeStorage();
  const token = loadVisitor(visitorKey(options.apiBaseUrl, options.agent), storage).visitorToken;
  forgetDevice({ api: createPublicApi({ serverUrl: options.apiBaseUrl }), storage }, options, token, (message) =>
    emit('error', { code: 'reset_failed', message }),
  );
}
