/**
 * The files of a sent message that are still going up (CONTRACT §13): one progress bar for the
 * message (an accessible value in words) and a Cancel that aborts the upload and drops the message
 * from the outbox, in every tab (a follower's cancel goes to the leader, which uploads). Or, once
 * the server refused a file as too large, which file and the limit, with a way to send the text
 * without the files. Its own chunk, with the tray's words: it loads with the first message that
 * carries files.
 */
import { formatFileSize } from '../core/attachments/attachment-limits.ts';
import type { OutboxItem } from '../core/sync/outbox.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { useThreadSnapshot } from '../hooks/use-thread-snapshot.ts';
import { attachmentsDe } from '../i18n/catalog-attachments-de.ts';
import { attachmentsEn } from '../i18n/catalog-attachments-en.ts';
import { useActiveLanguage } from '../i18n/locale-store.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';

export default function PendingUploads({ item, onCancel }: { item: OutboxItem; onCancel(clientMessageId: string): void }) {
  const { engine } = useEngine();
  // Progress is not part of the item (it is not stored): the outbox announces each step as a change of the thread.
  useThreadSnapshot(engine, item.threadId);
  const language = useActiveLanguage((state) => state.language);
  const words = language === 'de' ? attachmentsDe : attachmentsEn;
  const files = item.files ?? [];
  const refused = item.error?.file;
  if (refused) {
    const { name, size, maxBytes } = refused;
    const text = item.content.trim() !== '';
    return (
      <div className="mt-1 flex flex-wrap items-center gap-2 text-xs">
        <p role="alert" className="font-medium text-red-700 dark:text-red-300">
          {maxBytes === null ? words.tooLarge(name) : words.size(name, formatFileSize(size, language), formatFileSize(maxBytes, language))}
        </p>
        <button
          type="button"
          // The text goes again on its own, under a new id; with no text there is nothing left to send.
          onClick={() => (text ? engine.outbox.edit(item.clientMessageId, item.content, undefined, true) : onCancel(item.clientMessageId))}
          className={`${TOUCH_TARGET} shrink-0 rounded-md px-2 py-0.5 font-medium text-indigo-700 underline hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-slate-800`}
        >
          {text ? words.sendWithout(files.map((file) => file.name).join(', ')) : words.remove(name)}
        </button>
      </div>
    );
  }
  // As outbox-uploads.ts `uploadProgress` reads it (importing that would join this chunk to the upload loop's).
  // Only the tab that uploads (the leader) knows the bytes of the file going up; the others count whole files.
  const progress = engine.outbox.progress?.get(item.clientMessageId);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const sent = Math.min(
    total,
    files.reduce((sum, file) => sum + (file.attachmentId === null ? (progress?.get(file.key) ?? 0) : file.size), 0),
  );
  const names = files.map((file) => file.name).join(', ');
  return (
    <div className="mt-1 flex max-w-md items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
      <progress
        className="h-1.5 min-w-0 flex-1 accent-indigo-600"
        max={Math.max(total, 1)}
        value={sent}
        aria-label={words.uploading(names)}
        aria-valuetext={words.progress(formatFileSize(sent, language), formatFileSize(total, language))}
      />
      <span aria-hidden="true" className="shrink-0 tabular-nums">
        {words.progress(formatFileSize(sent, language), formatFileSize(total, language))}
      </span>
      <button
        type="button"
        aria-label={words.cancel(names)}
        onClick={() => onCancel(item.clientMessageId)}
        className={`${TOUCH_TARGET} shrink-0 rounded-md px-2 py-0.5 font-medium text-red-700 underline hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950/40`}
      >
        {words.cancelLabel}
      </button>
    </div>
  );
}
