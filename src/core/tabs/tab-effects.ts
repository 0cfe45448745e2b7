import { MutedThreads, mutedThreadsKey } from '../notify/muted-threads.ts';
import { browserTabChannel, type TabChannel } from './tab-channel.ts';
import type { TabLeadership } from './tab-leadership.ts';
import { TabStates, tabStatesChannelName } from './tab-states.ts';

/**
 * What the tabs of one signed-in user share besides the connection: who is where (tab
 * states), muted threads, and the leadership that picks the one tab to show notifications
 * (read positions are the engine's: read-sync.ts).
 */
export interface TabEffects {
  userId: string;
  /** Null: a single tab (no Web Locks), which does everything itself. */
  leadership: TabLeadership | null;
  states: TabStates;
  muted: MutedThreads;
  /** Opens a channel of this user's tabs (null where there is no BroadcastChannel). */
  channel<M>(name: string): TabChannel<M> | null;
  stop(): void;
}

export interface TabEffectsOptions {
  userId: string;
  leadership: TabLeadership | null;
  /** Defaults to `BroadcastChannel`. */
  channel?<M>(name: string): TabChannel<M> | null;
  /** Defaults to `localStorage`. */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** This tab's id when there is no leadership to take it from. */
  tabId?: string;
}

/** Where no BroadcastChannel exists, this tab's states go nowhere: it is alone. */
const nowhere = <M>(): TabChannel<M> => ({ post: () => undefined, subscribe: () => () => undefined, close: () => undefined });

function localStorageOrNull(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Joins this tab to the user's shared tab state; `stop()` leaves (sign-out, engine stop). */
export function createTabEffects(options: TabEffectsOptions): TabEffects {
  const open = options.channel ?? browserTabChannel;
  const channels: TabChannel<unknown>[] = [];
  const channel = <M>(name: string): TabChannel<M> | null => {
    const made = open<M>(name);
    if (made) channels.push(made as TabChannel<unknown>);
    return made;
  };
  const tabId = options.leadership?.tabId ?? options.tabId ?? `tab-${Math.random().toString(36).slice(2)}`;
  const states = new TabStates({ channel: channel(tabStatesChannelName(options.userId)) ?? nowhere(), tabId });
  const muted = new MutedThreads(options.storage === undefined ? localStorageOrNull() : options.storage, mutedThreadsKey(options.userId));
  return {
    userId: options.userId,
    leadership: options.leadership,
    states,
    muted,
    channel,
    stop() {
      states.close();
      for (const made of channels.splice(0)) made.close();
    },
  };
}
