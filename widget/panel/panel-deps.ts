import type { ApiError } from '../../src/core/api/api-error.ts';
import { createPublicApi, type PublicApi } from '../../src/core/api/public-api.ts';
import { createVisitorEngine } from '../../src/core/engine/create-visitor-engine.ts';
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import { safeStorage } from '../shared/visitor-store.ts';

export interface EngineInput {
  serverUrl: string;
  slug: string;
  visitorToken: string | null;
  /** The socket's `?email=` label; null when the visitor has none. */
  email: string | null;
  threadId: string;
  selfSenderId: string;
  /** History or send refused (401/403). */
  onRefused(error: ApiError): void;
}

/** What the panel needs from outside: the network, the engine, storage and a clock. Tests pass fakes. */
export interface PanelDeps {
  api: PublicApi;
  createEngine(input: EngineInput): SyncEngine;
  storage: Storage | null;
  now(): number;
}

/** The real ones: the public REST API and a visitor engine on the chat server. */
export function browserDeps(serverUrl: string): PanelDeps {
  return {
    api: createPublicApi({ serverUrl }),
    createEngine: (input) => createVisitorEngine(input).engine,
    storage: safeStorage(),
    now: () => Date.now(),
  };
}
