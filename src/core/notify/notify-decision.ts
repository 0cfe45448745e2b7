import type { TabState } from '../tabs/tab-roster.ts';

/** Why a message does or does not get a desktop notification. */
export type NotifyDecision =
  | 'notify'
  /** The user's own message (sent from any tab or device). */
  | 'own'
  | 'muted'
  /** A tab is visible with this thread on screen: the user sees the message already. */
  | 'on_screen'
  /** A tab is visible and focused on another thread: the user is working in the inbox, whose list and title show it. */
  | 'in_use';

export interface NotifyInput {
  threadId: string;
  senderId: string;
  selfSenderId: string;
  muted: boolean;
  /** Every live tab of this user in this browser, this one included. */
  tabs: readonly TabState[];
}

/**
 * Whether a new message deserves a desktop notification, for all tabs of the user at once:
 * none for one's own message or a muted thread; none while any tab shows the thread (visible,
 * focused or not); none while the user works in a focused inbox tab on another thread (the
 * list's unread badge and the title tell them, a pop-up over the app they use is noise).
 * A visible but unfocused tab on another thread (a window behind another one, a second
 * screen) does not stop it: the user is elsewhere.
 */
export function notifyDecision(input: NotifyInput): NotifyDecision {
  if (input.senderId === input.selfSenderId) return 'own';
  if (input.muted) return 'muted';
  if (input.tabs.some((tab) => tab.visible && tab.threadId === input.threadId)) return 'on_screen';
  if (input.tabs.some((tab) => tab.visible && tab.focused)) return 'in_use';
  return 'notify';
}
