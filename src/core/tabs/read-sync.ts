import type { ReadsBroadcaster } from '../engine/read-marker.ts';
import type { TabChannel } from './tab-channel.ts';

/** What a tab posts on the read channel. */
export type ReadMessage = { type: 'read'; threadId: string; readSeq: number };

/** The name of the channel on which tabs tell each other a thread was read. */
export const readSyncChannelName = (userId: string) => `ama2:read:${userId}`;

/**
 * Read positions shared between the tabs of a user, over their channel. The server echoes a
 * read only to the user's connections (and by socket it may skip the reader's own): with one
 * socket shared by all tabs, or a tab whose socket is down, the tabs must tell each other.
 * The engine's read marker publishes here and applies what the other tabs publish (moves
 * forward only, so the server's echo arriving too changes nothing).
 */
export class ReadSync implements ReadsBroadcaster {
  constructor(private readonly channel: TabChannel<ReadMessage> | null) {}

  publish(threadId: string, readSeq: number): void {
    this.channel?.post({ type: 'read', threadId, readSeq });
  }

  onRead(listener: (threadId: string, readSeq: number) => void): () => void {
    return this.channel?.subscribe((raw) => receive(raw, listener)) ?? (() => undefined);
  }

  close(): void {
    this.channel?.close();
  }
}

/** Validates another tab's message (it may run an older build). */
function receive(raw: unknown, listener: (threadId: string, readSeq: number) => void): void {
  if (typeof raw !== 'object' || raw === null) return;
  const { type, threadId, readSeq } = raw as Record<string, unknown>;
  if (type !== 'read' || typeof threadId !== 'string' || threadId.length === 0 || threadId.length > 200) return;
  if (typeof readSeq !== 'number' || !Number.isSafeInteger(readSeq) || readSeq < 0) return;
  listener(threadId, readSeq);
}
