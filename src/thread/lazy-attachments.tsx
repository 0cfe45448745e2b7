import { lazy, Suspense } from 'react';
import { attachmentKind, thumbnailBox } from '../core/attachments/attachment-display.ts';
import { loadWhenOnline } from '../ui/load-when-online.ts';
import type { MessageAttachmentsProps } from './message-attachments.tsx';

// A message's files, their viewer and their words load with the first message that has one, in their own chunk
// (offline, once the connection is back: the placeholders hold their places meanwhile).
const MessageAttachments = lazy(() => loadWhenOnline(() => import('./message-attachments.tsx')));

/** The largest a thumbnail is drawn (CSS pixels); a narrow screen shrinks it further, keeping its ratio. */
export const THUMBNAIL_BOX = { width: 320, height: 240 };

/** `MessageAttachments` loaded on demand; until it is there, the files' boxes hold their places (nothing moves when it comes). */
export function LazyAttachments(props: MessageAttachmentsProps) {
  return (
    <Suspense fallback={<Placeholders {...props} />}>
      <MessageAttachments {...props} />
    </Suspense>
  );
}

function Placeholders({ attachments }: MessageAttachmentsProps) {
  return (
    <div aria-hidden="true" className="mt-1 flex flex-wrap gap-2">
      {attachments.map((attachment) => {
        const box = attachmentKind(attachment.content_type) === 'image' ? thumbnailBox(attachment, THUMBNAIL_BOX) : null;
        return (
          <div
            key={attachment.id}
            className={`rounded-lg border border-slate-200 dark:border-slate-700 ${box ? '' : 'h-[58px] w-72 max-w-full'}`}
            style={box ? { width: box.width, maxWidth: '100%', aspectRatio: `${box.width} / ${box.height}` } : undefined}
          />
        );
      })}
    </div>
  );
}
