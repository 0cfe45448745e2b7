import * as v from 'valibot';
import type { ReadsBroadcaster } from '../engine/read-marker.ts';
import type { HubTopic, TabHub } from './tab-hub.ts';

/** Another tab read a thread up to `readSeq` (topic `read` of the tab hub). */
export const readMessageSchema = v.object({
  type: v.literal('read'),
  threadId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  readSeq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});
type ReadMessage = v.InferOutput<typeof readMessageSchema>;

/**
 * Read positions shared between the tabs of a user (the `read` topic of the {@link TabHub}).
 * The server echoes a read only to the user's connections (and by socket it may skip the
 * reader's own): with one socket shared by all tabs, or a tab whose socket is down, the tabs
 * must tell each other. The engine's read marker publishes here and applies what the other
 * tabs publish (forward only, so the server's echo arriving too changes nothing).
 */
export class ReadSync implements ReadsBroadcaster {
  private readonly topic: HubTopic<ReadMessage> | null;

  constructor(hub: TabHub | null) {
    this.topic = hub?.join({ topic: 'read', schema: readMessageSchema }) ?? null;
  }

  publish(threadId: string, readSeq: number): void {
    this.topic?.post({ type: 'read', threadId, readSeq });
  }

  onRead(listener: (threadId: string, readSeq: number) => void): () => void {
    return this.topic?.subscribe((message) => listener(message.threadId, message.readSeq)) ?? (() => undefined);
  }

  close(): void {
    this.topic?.leave();
  }
}
