/**
 * The inbox's upload tray (CONTRACT §13), loaded on the first attach, paste or drop: the
 * check of chosen files before any upload (every kind the server knows; the size limit,
 * `ATTACHMENT_MAX_BYTES`, is the server's to tell: its first 413 shows on the message, later
 * files over it are refused here, user-size-limit.ts), and the
 * files waiting to be sent, an image's thumbnail drawn in a canvas, decoded and scaled off the
 * main thread (use-canvas-thumbnail.ts).
 */
import { admitFiles, formatFileSize, kindOfFile, type FileRefusal } from '../core/attachments/attachment-limits.ts';
import { userAttachmentLimits } from '../core/attachments/user-size-limit.ts';
import { THUMBNAIL_CSS_PX } from '../hooks/draw-thumbnail.ts';
import { useCanvasThumbnail } from '../hooks/use-canvas-thumbnail.ts';
import { fileBadge, useFileThumbnail } from '../hooks/use-file-thumbnail.ts';
import { attachmentsDe } from '../i18n/catalog-attachments-de.ts';
import { attachmentsEn, type AttachmentStrings } from '../i18n/catalog-attachments-en.ts';
import { useActiveLanguage } from '../i18n/locale-store.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';

function wordsFor(language: string): AttachmentStrings {
  return language === 'de' ? attachmentsDe : attachmentsEn;
}

function refusalText(refusal: FileRefusal, words: AttachmentStrings, language: string): string {
  switch (refusal.reason) {
    case 'type': {
      const kinds = refusal.kinds.map((kind) => words.kinds[kind] ?? kind);
      const list = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} ${words.and} ${kinds.at(-1)}` : (kinds[0] ?? '');
      return words.type(refusal.name, list);
    }
    case 'size':
      return words.size(refusal.name, formatFileSize(refusal.size, language), formatFileSize(refusal.maxBytes, language));
    case 'empty':
      return words.empty(refusal.name);
    case 'count':
      return words.count(refusal.name, refusal.max);
  }
}

/** Checks files a user chose before any upload; `chosen` are in the tray already. */
export function admit(files: readonly File[], chosen: number): { accepted: File[]; refusals: string[] } {
  const language = useActiveLanguage.getState().language;
  const { accepted, refused } = admitFiles(files, userAttachmentLimits(), chosen);
  const words = wordsFor(language);
  return { accepted, refusals: refused.map((refusal) => refusalText(refusal, words, language)) };
}

/**
 * A chosen file's thumbnail: an image drawn into a canvas (use-canvas-thumbnail.ts), else, where
 * that cannot be, an `<img>` from a `blob:` URL or the file's badge (use-file-thumbnail.ts).
 */
function Thumbnail({ file }: { file: File }) {
  const { setCanvas, drawn, failed } = useCanvasThumbnail(file);
  if (kindOfFile(file) === 'image' && !failed) {
    // Decorative, as the `<img alt="">` was: the row says the file's name.
    return (
      <canvas
        ref={setCanvas}
        aria-hidden="true"
        data-drawn={drawn ? '' : undefined}
        width={THUMBNAIL_CSS_PX}
        height={THUMBNAIL_CSS_PX}
        className="size-10 shrink-0 rounded bg-slate-200 dark:bg-slate-700"
      />
    );
  }
  return <ImageThumbnail file={file} />;
}

function ImageThumbnail({ file }: { file: File }) {
  const { url, onError } = useFileThumbnail(file);
  return url ? (
    <img
      src={url}
      alt=""
      width={THUMBNAIL_CSS_PX}
      height={THUMBNAIL_CSS_PX}
      decoding="async"
      onError={onError}
      className="size-10 shrink-0 rounded object-cover"
    />
  ) : (
    <span
      aria-hidden="true"
      className="grid size-10 shrink-0 place-items-center rounded bg-slate-200 text-[10px] font-semibold dark:bg-slate-700"
    >
      {fileBadge(file.name)}
    </span>
  );
}

/** The files waiting to be sent with the next message, each with its remove button. */
export function AttachTray({ files, onRemove }: { files: readonly File[]; onRemove(index: number): void }) {
  const language = useActiveLanguage((state) => state.language);
  const words = wordsFor(language);
  if (files.length === 0) return null;
  return (
    <ul aria-label={words.tray} className="mb-2 space-y-1">
      {files.map((file, index) => (
        <li
          key={`${index}-${file.name}-${file.size}-${file.lastModified}`}
          className="flex items-center gap-2 rounded-md border border-slate-200 px-2 py-1 text-sm dark:border-slate-700"
        >
          <Thumbnail file={file} />
          <span className="min-w-0 flex-1 truncate">{file.name}</span>
          <span className="shrink-0 text-xs text-slate-600 dark:text-slate-400">{formatFileSize(file.size, language)}</span>
          <button
            type="button"
            aria-label={words.remove(file.name)}
            onClick={() => onRemove(index)}
            className={`${TOUCH_TARGET} rounded-md px-2 text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800`}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
