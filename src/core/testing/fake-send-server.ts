import { ApiError } from '../api/api-error.ts';
import type { InboundMessage } from '../protocol/server-frame-schemas.ts';
import type { OutboxFile, OutboxSendBody } from '../sync/outbox.ts';

/** What happens to one send attempt. */
export type SendFault = 'ok' | 'lost_request' | 'lost_response' | 'rejected' | 'server_busy';

/** What happens to one upload: `cut` is a connection lost midway (after some progress). */
export type UploadFault = 'ok' | 'lost_request' | 'cut' | 'lost_response' | 'server_busy';

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
  uploadFaults: UploadFault[] = [];
  /** Every upload the server stored: attachment id → (thread, file name). */
  readonly uploads = new Map<string, { threadId: string; name: string }>();
  /** Uploads whose answer (the id) reached the client, by file name: the client must never upload those again. */
  readonly answeredUploads = new Map<string, number>();
  uploadAttempts = 0;
  private readonly used = new Set<string>();
  private readonly commitListeners = new Set<(message: InboundMessage) => void>();

  /** Called for each new commit (as the socket tells every tab); returns an unsubscribe function. */
  onCommit(listener: (message: InboundMessage) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  private travel(): Promise<void> {
    return this.latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, this.latencyMs)) : Promise.resolve();
  }

  /** Stores the file (idempotent on nothing: a repeat is a new upload, as on the real server). */
  upload = async (threadId: string, file: OutboxFile, onProgress: (sentBytes: number) => void, signal: AbortSignal): Promise<string> => {
    this.uploadAttempts++;
    const fault = this.uploadFaults.shift() ?? 'ok';
    const aborted = () => new ApiError('aborted', 'The upload was cancelled.', false);
    await this.travel();
    if (signal.aborted) throw aborted();
    if (fault === 'lost_request') throw new ApiError('network_error', 'offline', true);
    if (fault === 'server_busy') throw new ApiError('unavailable', 'busy', true, 503, 2_000);
    onProgress(Math.floor(file.size / 2));
    if (fault === 'cut') throw new ApiError('network_error', 'connection reset', true);
    const id = `a-${this.uploads.size + 1}`;
    this.uploads.set(id, { threadId, name: file.name });
    onProgress(file.size);
    await this.travel();
    if (fault === 'lost_response') throw new ApiError('network_error', 'connection reset', true);
    // The client hears the id only if it still listens (a discard or a closed tab aborts).
    if (signal.aborted) throw aborted();
    this.answeredUploads.set(file.name, (this.answeredUploads.get(file.name) ?? 0) + 1);
    return id;
  };

  /** The file names a committed message carries, in order. */
  fileNames(message: InboundMessage): string[] {
    return (message.attachments ?? []).map((attachment) => attachment.name);
  }

  send = async (threadId: string, body: OutboxSendBody): Promise<InboundMessage> => {
    this.attempts++;
    this.attemptIds.push(body.client_message_id);
    const fault = this.faults.shift() ?? 'ok';
    await this.travel();
    if (fault === 'lost_request') throw new ApiError('network_error', 'offline', true);
    if (fault === 'rejected') throw new ApiError('client_error', 'content refused', false, 400);
    if (fault === 'server_busy') throw new ApiError('unavailable', 'busy', true, 503, 2_000);
    let message = this.byClientId.get(body.client_message_id);
    if (!message) {
      const ids = body.attachment_ids ?? [];
      for (const id of ids) {
        // As the real server: each upload the sender's own in this thread, and used by one message only.
        if (this.uploads.get(id)?.threadId !== threadId) throw new ApiError('client_error', `unknown attachment ${id}`, false, 422);
        if (this.used.has(id)) throw new ApiError('conflict', `attachment ${id} is used already`, false, 409);
      }
      for (const id of ids) this.used.add(id);
      message = {
        ...(ids.length > 0
          ? { attachments: ids.map((id) => ({ id, name: this.uploads.get(id)!.name, content_type: 'image/png', size: 1 })) }
          : {}),
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
