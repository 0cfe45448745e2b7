import { lazy, Suspense } from 'react';
import type { MessageAttachmentsProps } from './message-attachments.tsx';

// A message's files, their viewer and their words load with the first message that has one, in their own chunk.
const MessageAttachments = lazy(() => import('./message-attachments.tsx'));

/** `MessageAttachments` loaded on demand; nothing shows until it is there (the text of the message already does). */
export function LazyAttachments(props: MessageAttachmentsProps) {
  return (
    <Suspense fallback={null}>
      <MessageAttachments {...props} />
    </Suspense>
  );
}
