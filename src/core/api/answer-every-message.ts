/**
 * The README's example of an external agent (CONTRACT §15, "Topics for integrators"): it
 * answers every new message of a person in all the threads it takes part in, including those
 * it is added to later, on one socket. Kept here, word for word as the README shows it, so
 * that the integration test runs the very code integrators copy.
 */
import type { ThreadRuntimeClient } from './thread-runtime-client.ts';

/** Answers each person's message with its echo until `signal` aborts (then resolves). */
export async function answerEveryMessage(client: ThreadRuntimeClient, signal?: AbortSignal): Promise<void> {
  // `*` in place of the org: whatever the server's NATS_ORG is. Committed messages of every thread.
  const messages = client.subscribe('events.*.chat.thread.message_committed.*', { signal });
  try {
    for await (const { event } of messages) {
      const { role } = (event.data ?? {}) as { role?: string };
      // The agent's own answers come back as events too: answer people only.
      if (role !== 'user' || typeof event.thread_id !== 'string') continue;
      await client.sendMessage(
        event.thread_id,
        // The same event seen again (after a crash of this process) gets the same id: the server keeps one answer.
        { content: `You said: ${String(event.content)}`, client_message_id: `answer-${String(event.event_id)}` },
        signal,
      );
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error; // e.g. the token was revoked (ApiError "unauthorized")
  }
}
