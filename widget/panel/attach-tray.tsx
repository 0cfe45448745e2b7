/**
 * The visitor's upload tray (CONTRACT §13), loaded on the first attach, paste or drop (the
 * composer imports it then): the check of chosen files against the agent's limits, with the
 * reasons in words, the files waiting to be sent (an image's thumbnail drawn in a canvas,
 * decoded and scaled off the main thread: use-canvas-thumbnail.ts), and the files of sent messages still uploading, with
 * their progress and a cancel.
 */
import { admitFiles, formatFileSize, kindOfFile, visitorLimitsOf, type FileRefusal } from '../../src/core/attachments/attachment-limits.ts';
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import type { OutboxItem } from '../../src/core/sync/outbox.ts';
import { THUMBNAIL_CSS_PX } from '../../src/hooks/draw-thumbnail.ts';
import { useCanvasThumbnail } from '../../src/hooks/use-canvas-thumbnail.ts';
import { fileBadge, useFileThumbnail } from '../../src/hooks/use-file-thumbnail.ts';
import { useThreadSnapshot } from '../../src/hooks/use-thread-snapshot.ts';
import { ATTACH_WORDS, type AttachWords } from './attach-words.ts';
import { StrokeIcon } from './stroke-icon.tsx';

const wordsOf = (lang: string): AttachWords => ATTACH_WORDS[lang] ?? ATTACH_WORDS.en!;

function refusalText(refusal: FileRefusal, words: AttachWords, lang: string): string {
  switch (refusal.reason) {
    case 'type': {
      const kinds = refusal.kinds.map((kind) => words.kinds[kind]);
      const list = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} ${words.and} ${kinds.at(-1)}` : (kinds[0] ?? '');
      return words.type(refusal.name, list);
    }
    case 'size':
      return words.size(refusal.name, formatFileSize(refusal.size, lang), formatFileSize(refusal.maxBytes, lang));
    case 'empty':
      return words.empty(refusal.name);
    case 'count':
      return words.count(refusal.name, refusal.max);
  }
}

/**
 * Checks files the visitor chose against the agent's settings (its profile's `attachments`)
 * before any upload; `chosen` files are in the tray already.
 */
export function admit(files: readonly File[], settings: unknown, chosen: number, lang: string): { accepted: File[]; refusals: string[] } {
  const limits = visitorLimitsOf(settings) ?? { maxBytes: 0, kinds: [] };
  const { accepted, refused } = admitFiles(files, limits, chosen);
  const words = wordsOf(lang);
  return { accepted, refusals: refused.map((refusal) => refusalText(refusal, words, lang)) };
}

const ROW = 'flex items-center gap-2 rounded-lg border border-ama-border bg-ama-field px-2 py-1 text-xs text-ama-text';
const ICON_BUTTON = 'grid size-11 shrink-0 place-items-center rounded-full text-ama-muted hover:text-ama-text focus-visible:text-ama-text';
const CLOSE_ICON = 'M6 6l12 12M18 6L6 18';

/**
 * A chosen file's thumbnail: an image drawn into a canvas (use-canvas-thumbnail.ts), else, where
 * that cannot be, the `<img>` or the badge the inbox's tray shows (use-file-thumbnail.ts).
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
        className="size-10 shrink-0 rounded"
        style={{ background: 'var(--ama-divider)' }}
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
      className="size-10 shrink-0 rounded"
      style={{ objectFit: 'cover' }}
    />
  ) : (
    <span
      aria-hidden="true"
      className="grid size-10 shrink-0 place-items-center rounded font-semibold"
      style={{ background: 'var(--ama-divider)', fontSize: '10px' }}
    >
      {fileBadge(file.name)}
    </span>
  );
}

interface TrayProps {
  /** Why files the visitor chose were not added, in words. */
  refusals: readonly string[];
  files: readonly File[];
  lang: string;
  onRemove(index: number): void;
  engine?: SyncEngine;
  threadId?: string;
}

/** The tray above the message box. */
export function AttachTray({ refusals, files, lang, onRemove, engine, threadId }: TrayProps) {
  const words = wordsOf(lang);
  return (
    <>
      {refusals.length > 0 && (
        // As the composer shows the one reason it can give while this chunk is not loaded.
        <ul role="alert" className="flex flex-col gap-0.5 px-3 pt-2 text-xs font-medium text-ama-danger">
          {refusals.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      )}
      <div className="flex flex-col gap-1 px-3 pt-2">
        {engine && threadId && <Uploads engine={engine} threadId={threadId} words={words} lang={lang} />}
        {files.length > 0 && (
          <ul aria-label={words.tray} className="flex flex-col gap-1">
            {files.map((file, index) => (
              <li key={`${index}-${file.name}-${file.size}-${file.lastModified}`} className={ROW}>
                <Thumbnail file={file} />
                <span className="min-w-0 flex-1 truncate">{file.name}</span>
                <span className="shrink-0 text-ama-muted">{formatFileSize(file.size, lang)}</span>
                <button type="button" className={ICON_BUTTON} aria-label={words.remove(file.name)} onClick={() => onRemove(index)}>
                  <StrokeIcon path={CLOSE_ICON} />
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </>
  );
}

/** Files of sent messages that are still going up: progress (an accessible value) and a cancel, which drops the message. */
function Uploads({ engine, threadId, words, lang }: { engine: SyncEngine; threadId: string; words: AttachWords; lang: string }) {
  const snapshot = useThreadSnapshot(engine, threadId);
  const uploading: OutboxItem[] = [];
  for (const entry of snapshot.items) {
    if (entry.kind !== 'pending_message') continue;
    const { item } = entry;
    if (item.status !== 'failed' && item.files?.some((file) => file.attachmentId === null)) uploading.push(item);
  }
  if (uploading.length === 0) return null;
  return (
    <ul className="flex flex-col gap-1">
      {uploading.map((item) => {
        // As outbox-uploads.ts `uploadProgress` reads it: importing that would join this chunk to the upload loop's.
        const progress = engine.outbox.progress?.get(item.clientMessageId);
        const files = item.files ?? [];
        const total = files.reduce((sum, file) => sum + file.size, 0);
        const sent = files.reduce((sum, file) => sum + (file.attachmentId === null ? (progress?.get(file.key) ?? 0) : file.size), 0);
        const name = files.map((file) => file.name).join(', ');
        return (
          <li key={item.clientMessageId} className={ROW}>
            <span className="min-w-0 flex-1">
              <span className="truncate" style={{ display: 'block' }}>
                {name}
              </span>
              <progress
                className="w-full"
                style={{ display: 'block', height: '6px' }}
                max={Math.max(total, 1)}
                value={Math.min(sent, total)}
                aria-label={words.uploading(name)}
                aria-valuetext={`${formatFileSize(Math.min(sent, total), lang)} / ${formatFileSize(total, lang)}`}
              />
            </span>
            <button
              type="button"
              className={ICON_BUTTON}
              aria-label={words.cancel(name)}
              onClick={() => engine.discard(item.clientMessageId)}
            >
              <StrokeIcon path={CLOSE_ICON} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
