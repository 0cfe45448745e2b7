import { expect } from 'vitest';

/** How long a replay is read at most before the test gives up on what it waits for. */
const SSE_READ_DEADLINE_MS = 5_000;

/**
 * Reads a thread's SSE replay (`GET …/events/stream?last_thread_seq=`) until `until` appears
 * in it (or the deadline passes), then stops reading; the text as received.
 */
export async function readSse(server: { url: string }, threadId: string, token: string, afterSeq: number, until: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream?last_thread_seq=${afterSeq}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = setTimeout(() => controller.abort(), SSE_READ_DEADLINE_MS);
  try {
    while (!text.includes(until)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
  return text;
}

/** The durable events of an SSE text (blocks with an `id:`), parsed, in the order sent. */
export function sseEvents(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('id: '))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 'data: '.length)));
}
