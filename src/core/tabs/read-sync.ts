import type { TabChannel } from './tab-channel.ts';

type ReadMessage = { type: 'read'; threadId: string; readSeq: number };

/** The name of the channel on which tabs tell each other a thread was read. */
export const readSyncChannelName = (userId: string) => `ama2:read:${userId}`;

/**
 * Read positions shared between the tabs of a user. The server echoes a read only to the
 * user's connections (and by socket it may skip the reader's own): with one socket shared by
 * all tabs, or a tab whose socket is down, the tabs must tell each other. A read is applied
 * here at once and posted to the others, which apply it through their engine (moves forward
 * only, so the server's echo arriving too changes nothing).
 */
export class ReadSync {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly channel: TabChannel<ReadMessage> | null,
    private readonly apply: (threadId: string, readSeq: number) => void,
  ) {
    this.unsubscribe = channel?.subscribe((message) => this.receive(message)) ?? (() => undefined);
  }

  /** This tab read `threadId` up to `readSeq`. */
  read(threadId: string, readSeq: number): void {
    this.apply(threadId, readSeq);
    this.channel?.post({ type: 'read', threadId, readSeq });
  }

  stop(): void {
    this.unsubscribe();
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const { type, threadId, readSeq } = raw as Record<string, unknown>;
    if (type !== 'read' || typeof threadId !== 'string' || threadId.length === 0 || threadId.length > 200) return;
    if (typeof readSeq !== 'number' || !Number.isSafeInteger(readSeq) || readSeq < 0) return;
    this.apply(threadId, readSeq);
  }
}
