import * as v from 'valibot';
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
 * must tell each other. A read is applied here at once and posted to the others, which apply
 * it through their engine (moves forward only, so the server's echo arriving too changes nothing).
 */
export class ReadSync {
  private readonly topic: HubTopic<ReadMessage> | null;

  constructor(
    hub: TabHub | null,
    private readonly apply: (threadId: string, readSeq: number) => void,
  ) {
    this.topic = hub?.join({ topic: 'read', schema: readMessageSchema }) ?? null;
    this.topic?.subscribe((message) => this.apply(message.threadId, message.readSeq));
  }

  /** This tab read `threadId` up to `readSeq`. */
  read(threadId: string, readSeq: number): void {
    this.apply(threadId, readSeq);
    this.topic?.post({ type: 'read', threadId, readSeq });
  }

  stop(): void {
    this.topic?.leave();
  }
}
