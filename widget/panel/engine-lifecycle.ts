import type { Activity, SyncEngine } from '../../src/core/engine/sync-engine.ts';
import { describeError, type HostEvents } from './host-events.ts';
import { refusalOfClose, type Refusal } from './refusals.ts';

/** The public socket's close code for a refused token or origin (CONTRACT §6). */
const REFUSED_CLOSE_CODE = 4001;

/** What the running conversation tells the session. */
export interface EngineHandlers {
  threadChanged(): void;
  activity(activity: Activity): void;
  /** The connection opened (again). */
  opened(): void;
  /** The socket closed refusing the token or origin. */
  refused(refusal: Refusal | null): void;
}

/**
 * The visitor engine of the running conversation: at most one at a time. It is attached
 * (listened to), started, and stopped with everything it was listened by; a failure is told
 * to the host page, never thrown.
 */
export class EngineLifecycle {
  private engine: SyncEngine | null = null;
  private unsubscribers: (() => void)[] = [];

  constructor(private readonly events: HostEvents) {}

  /** Listens to `engine` for `threadId`; it becomes the running one. */
  attach(engine: SyncEngine, threadId: string, handlers: EngineHandlers): void {
    this.engine = engine;
    this.unsubscribers.push(
      engine.subscribeThread(threadId, () => handlers.threadChanged()),
      engine.onActivity((activity) => handlers.activity(activity)),
      engine.subscribe(() => {
        const state = engine.getConnectionState();
        if (state.status === 'open') handlers.opened();
        else if (state.status === 'failed' && state.code === REFUSED_CLOSE_CODE) handlers.refused(refusalOfClose(state.reason));
      }),
    );
  }

  /** Connects and opens the thread; `failed` hears what went wrong. */
  start(engine: SyncEngine, threadId: string, failed: (error: unknown) => void): void {
    engine.start().catch(failed);
    engine.openThread(threadId).catch(failed);
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    const engine = this.engine;
    this.engine = null;
    try {
      engine?.stop();
    } catch (error) {
      this.events.report('engine_failed', describeError(error));
    }
  }
}
