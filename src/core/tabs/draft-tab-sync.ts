import * as v from 'valibot';
import type { HubTopic, TabHub } from './tab-hub.ts';

/** A thread's draft as one tab has it now (`''`: none); topic `drafts` of the tab hub. */
export const draftTabMessageSchema = v.object({
  type: v.literal('draft'),
  threadId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  text: v.string(),
});
export type DraftTabMessage = v.InferOutput<typeof draftTabMessageSchema>;

/** Where the drafts live in this tab (the composer's store and the page's focus), as the client sees them. */
export interface DraftSource {
  /** Whether the user is in this thread's composer in this tab now (it has focus, in the focused window). */
  isActive(threadId: string): boolean;
  /** Puts another tab's draft into this tab (without announcing it again). */
  apply(threadId: string, text: string): void;
  /** Called with each draft the user changes in this tab; returns an unsubscribe function. */
  onChange(listener: (threadId: string, text: string) => void): () => void;
  /** Called once focus has moved (the user may have left a composer); returns an unsubscribe function. */
  onFocusMoved(listener: () => void): () => void;
}

export interface DraftTabSyncOptions {
  hub: TabHub;
  /** Whether the user is in this thread's composer in this tab now (it has focus, in the focused window). */
  isActive(threadId: string): boolean;
  /** Puts another tab's draft into this tab (without announcing it again). */
  apply(threadId: string, text: string): void;
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
  private readonly topic: HubTopic<DraftTabMessage>;

  constructor(private readonly options: DraftTabSyncOptions) {
    this.topic = options.hub.join({ topic: 'drafts', schema: draftTabMessageSchema });
    this.topic.subscribe((message) => {
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
    this.topic.post({ type: 'draft', threadId, text });
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
    this.topic.leave();
  }
}
