import type { TabChannel } from './tab-channel.ts';

/** A thread's draft as one tab has it now (`''`: none); channel `ama2:drafts:<userId>`. */
export interface DraftTabMessage {
  type: 'draft';
  threadId: string;
  text: string;
}

export interface DraftTabSyncOptions {
  channel: TabChannel<DraftTabMessage>;
  /** Whether the user is in this thread's composer in this tab now (it has focus, in the focused window). */
  isActive(threadId: string): boolean;
  /** Puts another tab's draft into this tab (without announcing it again). */
  apply(threadId: string, text: string): void;
}

function parseDraftTabMessage(value: unknown): DraftTabMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  return message.type === 'draft' && typeof message.threadId === 'string' && typeof message.text === 'string'
    ? { type: 'draft', threadId: message.threadId, text: message.text }
    : null;
}

/**
 * Drafts follow the user from tab to tab: each change typed in one tab is posted, and the
 * other tabs take it for the same thread. It never replaces text under the user's hands:
 * while this tab's composer for the thread is active, another tab's draft is held, and it
 * is applied when the user leaves that composer or window, unless they typed after it came
 * (then their own text stands, and it has already gone to the other tabs). So the last
 * text typed wins everywhere, and nobody's typing is overwritten.
 */
export class DraftTabSync {
  private readonly held = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: DraftTabSyncOptions) {
    this.unsubscribe = options.channel.subscribe((raw) => {
      const message = parseDraftTabMessage(raw);
      if (!message) return;
      if (options.isActive(message.threadId)) this.held.set(message.threadId, message.text);
      else {
        this.held.delete(message.threadId);
        options.apply(message.threadId, message.text);
      }
    });
  }

  /** The user changed the thread's draft in this tab (typed, sent, cleared). */
  changed(threadId: string, text: string): void {
    this.held.delete(threadId);
    this.options.channel.post({ type: 'draft', threadId, text });
  }

  /** Focus moved: drafts held for a composer the user has left are applied now. */
  settle(): void {
    for (const [threadId, text] of [...this.held]) {
      if (this.options.isActive(threadId)) continue;
      this.held.delete(threadId);
      this.options.apply(threadId, text);
    }
  }

  stop(): void {
    this.unsubscribe();
    this.options.channel.close();
  }
}
