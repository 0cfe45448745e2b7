/** Events a host page can listen to with `AMA2Chat.on(name, fn)`. */
export type WidgetEventName = 'ready' | 'open' | 'close' | 'message' | 'unread' | 'error';

export interface WidgetEventMap {
  ready: { agent: string };
  open: Record<string, never>;
  close: Record<string, never>;
  /** A message from the agent or a person (never the visitor's own). */
  message: { threadId: string; senderId: string; content: string };
  unread: { count: number };
  error: { code: string; message: string };
}

export const WIDGET_EVENTS: readonly WidgetEventName[] = ['ready', 'open', 'close', 'message', 'unread', 'error'];
