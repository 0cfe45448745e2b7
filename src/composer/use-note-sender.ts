import { useCallback, useRef, useState } from 'react';
import { ApiError } from '../core/api/api-error.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';

export type NoteSendState = { status: 'idle' } | { status: 'saving' } | { status: 'failed'; error: ApiError };

/**
 * Saves private notes (`POST /chat/threads/{id}/notes`, CONTRACT §11) with the outbox's
 * idempotency rule: a retry of the same text goes out under the same `client_message_id`,
 * so the server commits it once however often it is sent. The draft is the note's durable
 * copy: the caller clears it only once this resolves true.
 */
export function useNoteSender(threadId: string): { state: NoteSendState; save(content: string): Promise<boolean> } {
  const { api, engine } = useEngine();
  const [state, setState] = useState<NoteSendState>({ status: 'idle' });
  const attempt = useRef<{ content: string; clientMessageId: string } | null>(null);

  const save = useCallback(
    async (content: string) => {
      if (attempt.current?.content !== content) attempt.current = { content, clientMessageId: crypto.randomUUID() };
      const { clientMessageId } = attempt.current;
      setState({ status: 'saving' });
      try {
        const event = await api.addNote(threadId, { content, client_message_id: clientMessageId });
        attempt.current = null;
        engine.noteSaved(threadId, event);
        setState({ status: 'idle' });
        return true;
      } catch (error) {
        setState({
          status: 'failed',
          error: ApiError.is(error) ? error : new ApiError('network_error', 'The note could not be saved.', true),
        });
        return false;
      }
    },
    [api, engine, threadId],
  );
  return { state, save };
}
