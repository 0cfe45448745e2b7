import { ApiError } from '../api/api-error.ts';
import type { SendMessageInput } from '../protocol/client-frames.ts';
import type { InboundMessage } from '../protocol/server-frame-schemas.ts';

/** What happens to one send attempt. */
export type SendFault = 'ok' | 'lost_request' | 'lost_response' | 'rejected' | 'server_busy';

/**
 * A server that commits sends idempotently on `client_message_id` (a repeat is answered with
 * the committed message, like the real one, CONTRACT §4), with a scripted fault per attempt
 * and an optional one-way latency (a tab can close while a request or its response travels).
 */
export class FakeSendServer {
  readonly committed: InboundMessage[] = [];
  private readonly byClientId = new Map<string, InboundMessage>();
  faults: SendFault[] = [];
  attempts = 0;
  /** The client_message_id of every attempt, in order. */
  readonly attemptIds: string[] = [];
  latencyMs = 0;
  private readonly commitListeners = new Set<(message: InboundMessage) => void>();

  /** Called for each new commit (as the socket tells every tab); returns an unsubscribe function. */
  onCommit(listener: (message: InboundMessage) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  private travel(): Promise<void> {
    return this.latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, this.latencyMs)) : Promise.resolve();
  }

  send = async (threadId: string, body: SendMessageInput): Promise<InboundMessage> => {
    this.attempts++;
    this.attemptIds.push(body.client_message_id);
    const fault = this.faults.shift() ?? 'ok';
    await this.travel();
    if (fault === 'lost_request') throw new ApiError('network_error', 'offline', true);
    if (fault === 'rejected') throw new ApiError('client_error', 'content refused', false, 400);
    if (fault === 'server_busy') throw new ApiError('unavailable', 'busy', true, 503, 2_000);
    let message = this.byClientId.get(body.client_message_id);
    if (!message) {
      message = {
        id: `m-${this.committed.length + 1}`,
        thread_id: threadId,
        thread_seq: this.committed.length + 1,
        sender_id: 'user:me',
        content: body.content,
        client_message_id: body.client_message_id,
      };
      this.committed.push(message);
      this.byClientId.set(body.client_message_id, message);
      const committed = message;
      for (const listener of [...this.commitListeners]) setTimeout(() => listener(committed), 0);
    }
    await this.travel();
    if (fault === 'lost_response') throw new ApiError('network_error', 'connection reset', true);
    return message;
  };

  /** The committed contents of one thread, in commit order. */
  contents(threadId: string): string[] {
    return this.committed.filter((message) => message.thread_id === threadId).map((message) => message.content);
  }
}
