import { browserPageLifecycle, type PageLifecycle } from './page-lifecycle.ts';
import type { TabLeadership } from './tab-leadership.ts';
import { HEARTBEAT_MS, TAB_TIMEOUT_MS } from './tab-roster.ts';

/** A follower checks this often whether the leader has gone silent: once per heartbeat. */
export const LEADER_CHECK_MS = HEARTBEAT_MS;
/**
 * A visible follower that has heard no leader's beat for longer than this takes the lock over
 * (`steal`): the leader is frozen or hung. The tabs' one timeout; with the check running every
 * heartbeat a frozen leader is replaced within {@link LEADER_SILENCE_MS} + {@link LEADER_CHECK_MS} (2 s).
 */
export const LEADER_SILENCE_MS = TAB_TIMEOUT_MS;
/**
 * A check that comes this many check periods late means the follower itself was paused (a
 * main thread busy for seconds on a loaded machine): the leader's beats may be waiting in its
 * queue behind the check, so that check does not judge the silence.
 */
export const LATE_CHECK_PERIODS = 2;

/** The part of `navigator.locks` used here (tests pass a fake). */
export interface LockRequester {
  request(name: string, options: LockOptions, callback: (lock: Lock | null) => Promise<void> | undefined): Promise<unknown>;
}

export interface WebLocksLeadershipOptions {
  /** Unique per page load; random by default. */
  tabId?: string;
  /** Defaults to `navigator.locks`. */
  locks?: LockRequester;
  /** False: never steal (nobody reports the leader's beats). Default true: the tab hub calls `heardLeader` on each. */
  steal?: boolean;
  /** Only a visible tab steals the lock (a hidden one has no reason to lead). */
  isVisible?(): boolean;
  lifecycle?: PageLifecycle;
  now?(): number;
  checkMs?: number;
  silenceMs?: number;
}

/**
 * {@link TabLeadership} on the Web Locks API: every tab asks for the same exclusive lock and
 * holds it until it closes, so the browser grants it to exactly one tab at a time and hands
 * it on (in request order) when that tab closes or crashes.
 *
 * A frozen tab keeps its locks, so two more rules: a tab gives the lock (or its place in the
 * queue) up on `freeze` and `pagehide` and asks again on `resume` / `pageshow`; and a visible
 * follower whose {@link TabLeadership.heardLeader} was not called for {@link LEADER_SILENCE_MS}
 * (the tab hub calls it on each beat of the leader) takes the lock with `steal: true` (the old
 * holder's request then rejects with an AbortError; it queues again as a follower).
 *
 * Null where there is no `navigator.locks` (then each tab keeps its own connection).
 */
export function webLocksLeadership(lockName: string, tabIdOrOptions: string | WebLocksLeadershipOptions = {}): TabLeadership | null {
  const options = typeof tabIdOrOptions === 'string' ? { tabId: tabIdOrOptions } : tabIdOrOptions;
  const locks = options.locks ?? (typeof navigator !== 'undefined' ? navigator.locks : undefined);
  if (!locks) return null;
  const tabId = options.tabId ?? randomTabId();
  const canSteal = options.steal ?? true;
  const now = options.now ?? (() => Date.now());
  const isVisible = options.isVisible ?? (() => typeof document === 'undefined' || document.visibilityState !== 'hidden');
  const silenceMs = options.silenceMs ?? LEADER_SILENCE_MS;
  const listeners = new Set<(isLeader: boolean) => void>();
  let leader = false;
  let closed = false;
  /** Frozen or hidden away (`freeze`, `pagehide`): neither leading nor queued. */
  let suspended = false;
  /** Bumped for every request, so that the answer to an older one is ignored. */
  let generation = 0;
  let controller: AbortController | null = null;
  let release: (() => void) | null = null;
  let lastHeard = now();

  const set = (next: boolean) => {
    if (leader === next) return;
    leader = next;
    for (const listener of [...listeners]) listener(next);
  };

  /** Queues for the lock, or (`steal`) takes it from its holder now. */
  const ask = (steal: boolean) => {
    if (closed || suspended) return;
    const current = ++generation;
    controller?.abort();
    controller = null;
    let lockOptions: LockOptions;
    if (steal)
      lockOptions = { steal: true }; // `steal` cannot be combined with `signal`
    else {
      controller = new AbortController();
      lockOptions = { signal: controller.signal };
    }
    locks
      .request(lockName, lockOptions, () => {
        // Granted for a request given up meanwhile: let it go at once.
        if (current !== generation || closed || suspended) return undefined;
        set(true);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      })
      .then(
        () => {
          if (current !== generation) return;
          release = null;
          set(false);
        },
        () => {
          // Aborted by us (ignored: a newer request exists) or stolen by another tab.
          if (current !== generation) return;
          release = null;
          set(false);
          lastHeard = now();
          ask(false);
        },
      );
  };

  /** Gives up the lock or the place in the queue. */
  const letGo = () => {
    generation++;
    controller?.abort();
    controller = null;
    release?.();
    release = null;
    set(false);
  };

  const unsubscribeLifecycle = (options.lifecycle ?? browserPageLifecycle)((event) => {
    if (closed) return;
    if (event === 'freeze' || event === 'pagehide') {
      if (suspended) return;
      suspended = true;
      letGo();
    } else if (suspended) {
      suspended = false;
      lastHeard = now();
      ask(false);
    }
  });
  const checkMs = options.checkMs ?? LEADER_CHECK_MS;
  let lastCheck = now();
  const timer = setInterval(() => {
    const at = now();
    const late = at - lastCheck > LATE_CHECK_PERIODS * checkMs;
    lastCheck = at;
    if (closed || suspended || late) return;
    if (!leader && canSteal && isVisible() && at - lastHeard > silenceMs) {
      lastHeard = now();
      ask(true);
    }
  }, checkMs);

  ask(false);

  return {
    tabId,
    isLeader: () => leader,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    heardLeader() {
      lastHeard = now();
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      letGo();
      unsubscribeLifecycle();
    },
  };
}

function randomTabId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `tab-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
}
