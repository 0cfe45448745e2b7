import { createPublicApi, type PublicApi } from '../../src/core/api/public-api.ts';
import { createVisitorEngine, type VisitorEngineOptions } from '../../src/core/engine/create-visitor-engine.ts';
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import { safeStorage } from '../shared/visitor-store.ts';

/** What the panel gives the visitor engine (the fields are {@link VisitorEngineOptions}'); `onRefused` is required here. */
export type EngineInput = Pick<VisitorEngineOptions, 'serverUrl' | 'slug' | 'visitorToken' | 'email' | 'threadId' | 'selfSenderId'> &
  Required<Pick<VisitorEngineOptions, 'onRefused'>>;

/** A key of `storage` that another tab of this site changed (a `storage` event); `key` null: it was cleared. */
export interface StorageChange {
  key: string | null;
  newValue: string | null;
}

/** What the panel needs from outside: the network, the engine, storage and a clock. Tests pass fakes. */
export interface PanelDeps {
  api: PublicApi;
  createEngine(input: EngineInput): SyncEngine;
  storage: Storage | null;
  /** Calls `listener` for each change another tab makes to `storage` (never for this tab's own); returns the unsubscribe. */
  watchStorage(listener: (change: StorageChange) => void): () => void;
  now(): number;
}

/** The real ones: the public REST API (telling the server the widget's language) and a visitor engine on the chat server. */
export function browserDeps(serverUrl: string, language?: string): PanelDeps {
  const storage = safeStorage();
  return {
    api: createPublicApi({ serverUrl, language }),
    createEngine: (input) => createVisitorEngine(input).engine,
    storage,
    watchStorage: (listener) => {
      if (!storage) return () => undefined;
      // The browser fires `storage` in every other same-origin document, for localStorage and sessionStorage.
      const onStorage = (event: StorageEvent) => {
        if (event.storageArea === storage) listener({ key: event.key, newValue: event.newValue });
      };
      window.addEventListener('storage', onStorage);
      return () => window.removeEventListener('storage', onStorage);
    },
    now: () => Date.now(),
  };
}
