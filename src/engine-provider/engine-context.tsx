import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { InboxApi } from '../core/api/inbox-api.ts';
import { createInboxEngine, type InboxClient, type InboxTabs } from '../core/engine/create-inbox-engine.ts';
import type { InboxSyncEngine } from '../core/engine/inbox-sync-engine.ts';
import { browserEnvironment } from '../core/environment/environment.ts';
import { frameBatch } from '../ui/frame-batch.ts';
import { currentStrings, useStrings } from '../i18n/locale-store.ts';
import { useRuntimeConfig } from '../config/runtime-config-context.tsx';
import { useSession, type SessionUser } from '../sign-in/session-store.ts';
import { composerDrafts } from '../composer/composer-drafts.ts';

export interface EngineContextValue {
  /** Everything of this session, assembled by `createInboxEngine`; React reads and calls it. */
  client: InboxClient;
  engine: InboxSyncEngine;
  api: InboxApi;
  user: SessionUser;
  selfSenderId: string;
  /** What this user's tabs share: the tab hub and muted threads. */
  tabs: InboxTabs;
}

const EngineContext = createContext<EngineContextValue | null>(null);

/**
 * One inbox client per signed-in session: made and started in an effect (never during render),
 * stopped when the session ends. The token is read on every use, so a new sign-in is used at once.
 */
export function EngineProvider({ user, children }: { user: SessionUser; children: ReactNode }) {
  const config = useRuntimeConfig();
  const [value, setValue] = useState<EngineContextValue | null>(null);
  const t = useStrings();

  useEffect(() => {
    const client = createInboxEngine({
      serverUrl: config.apiBaseUrl,
      getToken: () => useSession.getState().token,
      userId: user.id,
      // The engine's per-frame notifications run in the page's frame batch, so they render in
      // the same commit as everything else deferred to that frame.
      environment: { ...browserEnvironment(), nextFrame: (callback) => frameBatch.schedule(callback) },
      refreshAuth: async () => {
        useSession.getState().expire(currentStrings().signIn.sessionExpired);
        return false;
      },
      drafts: composerDrafts(user.id),
    });
    // The client is an outside system made and started here; its handle enters state once per session.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setValue({ client, engine: client.engine, api: client.api, user, selfSenderId: `user:${user.id}`, tabs: client.tabs });
    void client.start();
    return () => {
      // Also hands this tab's leadership on (the tab hub, closed last, is its one closer).
      client.stop();
      setValue(null);
    };
  }, [config.apiBaseUrl, user]);

  if (!value) return <p className="p-6 text-slate-600 dark:text-slate-300">{t.common.connecting}</p>;
  return <EngineContext.Provider value={value}>{children}</EngineContext.Provider>;
}

/** Hands an engine made elsewhere to the components below (tests), instead of making one per session. */
export function EngineValueProvider({ value, children }: { value: EngineContextValue; children: ReactNode }) {
  return <EngineContext.Provider value={value}>{children}</EngineContext.Provider>;
}

export function useEngine(): EngineContextValue {
  const value = useContext(EngineContext);
  if (!value) throw new Error('useEngine must be used inside <EngineProvider>');
  return value;
}
