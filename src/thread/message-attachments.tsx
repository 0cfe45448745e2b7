/**
 * A message's files in the inbox (CONTRACT §13), loaded on the first message that has one
 * (lazy-attachments.tsx): images as thumbnails in a box of their final size before their
 * bytes arrive, opening full size in a modal viewer; other files as a card that downloads on
 * click. Every file is fetched with the session's token in a header (attachment-fetch.ts).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { attachmentKind, fitImage, formatFileSize, thumbnailBox, type AttachmentKind } from '../core/attachments/attachment-display.ts';
import {
  AttachmentCache,
  attachmentPath,
  AttachmentFetchError,
  saveFile,
  type AttachmentFailure,
  type AttachmentVariant,
} from '../core/attachments/attachment-fetch.ts';
import { apiBaseUrl } from '../core/api/http-client.ts';
import type { AttachmentSummary } from '../core/protocol/model.ts';
import { useRuntimeConfig } from '../config/runtime-config-context.tsx';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { useAttachmentStrings, type AttachmentStrings } from '../i18n/attachment-strings.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useSession } from '../sign-in/session-store.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { ModalDialog } from '../ui/modal-dialog.tsx';
import { THUMBNAIL_BOX } from './lazy-attachments.tsx';

let shared: { key: string; cache: AttachmentCache } | null = null;

/** One cache per server and user: another user's session starts with none of the last one's files. */
function attachmentCacheFor(serverUrl: string, userId: string): AttachmentCache {
  const key = `${serverUrl}\n${userId}`;
  if (shared?.key !== key) {
    shared?.cache.clear();
    const base = apiBaseUrl(serverUrl);
    const cache = new AttachmentCache({
      url: (id, variant) => `${base}${attachmentPath(null, threadOf.get(id) ?? '', id, variant)}`,
      getToken: () => useSession.getState().token,
    });
    shared = { key, cache };
  }
  return shared.cache;
}

function useAttachmentCache(): AttachmentCache {
  const { apiBaseUrl: serverUrl } = useRuntimeConfig();
  return attachmentCacheFor(serverUrl, useEngine().user.id);
}

/** The thread of each attachment shown (its download URL needs it; the cache is keyed by attachment). */
const threadOf = new Map<string, string>();

type Loaded = { status: 'loading' } | { status: 'ready'; url: string } | { status: 'failed'; failure: AttachmentFailure };

const failureOf = (error: unknown): AttachmentFailure => (error instanceof AttachmentFetchError ? error.failure : 'failed');

/** The blob URL of a file while the component shows it; `attempt` changes to try again. */
function useAttachmentUrl(cache: AttachmentCache, id: string, variant: AttachmentVariant, attempt: number): Loaded {
  const [loaded, setLoaded] = useState<Loaded & { for: string }>({ status: 'loading', for: '' });
  const current = `${variant}:${id}:${attempt}`;
  useEffect(() => {
    let live = true;
    cache.acquire(id, variant).then(
      (url) => live && setLoaded({ status: 'ready', url, for: current }),
      (error: unknown) => live && setLoaded({ status: 'failed', failure: failureOf(error), for: current }),
    );
    return () => {
      live = false;
      cache.release(id, variant);
    };
  }, [cache, id, variant, current]);
  return loaded.for === current ? loaded : { status: 'loading' };
}

function FileIcon({ kind }: { kind: AttachmentKind }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-8 w-8 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.5">
      <path d="M6 2.5h8l4 4v15H6z" />
      <path d="M14 2.5v4h4" />
      {kind === 'pdf' && <path d="M8.5 16h7M8.5 13h7" />}
      {kind === 'text' && <path d="M8.5 11h7M8.5 14h7M8.5 17h5" />}
    </svg>
  );
}

function Failed({ words, failure, onRetry }: { words: AttachmentStrings; failure: AttachmentFailure; onRetry: () => void }) {
  return (
    <div
      role="alert"
      className="flex h-full flex-col items-center justify-center gap-1 p-2 text-center text-xs text-red-700 dark:text-red-300"
    >
      <span>{words.failure[failure]}</span>
      {failure !== 'gone' && (
        <button type="button" onClick={onRetry} className={`rounded px-2 py-1 font-medium underline ${TOUCH_TARGET}`}>
          {words.retry}
        </button>
      )}
    </div>
  );
}

function Thumbnail({ attachment, cache, words }: { attachment: AttachmentSummary; cache: AttachmentCache; words: AttachmentStrings }) {
  const [attempt, setAttempt] = useState(0);
  const [viewing, setViewing] = useState(false);
  const loaded = useAttachmentUrl(cache, attachment.id, 'thumbnail', attempt);
  const box = thumbnailBox(attachment, THUMBNAIL_BOX);
  // The final size before a byte arrives: the width, and the height from the ratio on a narrower screen.
  const style = { width: box.width, maxWidth: '100%', aspectRatio: `${box.width} / ${box.height}` };
  const frame = 'block overflow-hidden rounded-lg border border-slate-200 bg-slate-100 dark:border-slate-700 dark:bg-slate-800';
  return (
    <li data-attachment={attachment.id}>
      {loaded.status === 'ready' ? (
        <button
          type="button"
          aria-label={words.openImage(attachment.name)}
          onClick={() => setViewing(true)}
          className={`${frame} focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600`}
          style={style}
        >
          <img src={loaded.url} alt={attachment.name} className="h-full w-full object-contain" width={box.width} height={box.height} />
        </button>
      ) : (
        <div className={frame} style={style} data-thumbnail-state={loaded.status} aria-busy={loaded.status === 'loading'}>
          {loaded.status === 'failed' ? (
            <Failed words={words} failure={loaded.failure} onRetry={() => setAttempt((n) => n + 1)} />
          ) : (
            <span className="sr-only">{`${attachment.name}: ${words.loading}`}</span>
          )}
        </div>
      )}
      {viewing && <ImageViewer attachment={attachment} cache={cache} words={words} onClose={() => setViewing(false)} />}
    </li>
  );
}

/** Fetches the original and saves it under its name; a failure is said in words beside the button. */
function useDownload(cache: AttachmentCache, attachment: AttachmentSummary) {
  const [state, setState] = useState<{ busy: boolean; failure: AttachmentFailure | null }>({ busy: false, failure: null });
  const download = () => {
    if (state.busy) return;
    setState({ busy: true, failure: null });
    cache.acquire(attachment.id, 'original').then(
      (url) => {
        saveFile(url, attachment.name);
        setState({ busy: false, failure: null });
      },
      (error: unknown) => setState({ busy: false, failure: failureOf(error) }),
    );
    // Kept for the release delay: a second click saves without fetching again.
    cache.release(attachment.id, 'original');
  };
  return { ...state, download };
}

function FileCard({ attachment, cache, words }: { attachment: AttachmentSummary; cache: AttachmentCache; words: AttachmentStrings }) {
  const t = useStrings();
  const kind = attachmentKind(attachment.content_type);
  const size = formatFileSize(attachment.size, t.locale);
  const { busy, failure, download } = useDownload(cache, attachment);
  return (
    <li data-attachment={attachment.id}>
      <button
        type="button"
        onClick={download}
        aria-label={words.downloadFile(attachment.name, words.kind[kind], size)}
        aria-busy={busy}
        className="flex h-[58px] w-72 max-w-full items-center gap-3 rounded-lg border border-slate-200 bg-white p-2 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
      >
        <span className="text-indigo-700 dark:text-indigo-300">
          <FileIcon kind={kind} />
        </span>
        <span className="min-w-0">
          <span className="block truncate font-medium">{attachment.name}</span>
          <span className="block text-xs text-slate-600 dark:text-slate-400">{busy ? words.loading : `${words.kind[kind]} · ${size}`}</span>
        </span>
      </button>
      {failure && (
        <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-300">
          {words.failure[failure]}
        </p>
      )}
    </li>
  );
}

function ImageViewer({
  attachment,
  cache,
  words,
  onClose,
}: {
  attachment: AttachmentSummary;
  cache: AttachmentCache;
  words: AttachmentStrings;
  onClose: () => void;
}) {
  const [attempt, setAttempt] = useState(0);
  const loaded = useAttachmentUrl(cache, attachment.id, 'original', attempt);
  const close = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const full = fitImage(attachment, { width: 4096, height: 4096 });
  return (
    <ModalDialog
      focusFirst={() => close.current}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto max-h-[calc(100%-2rem)] w-[calc(100%-2rem)] max-w-5xl rounded-xl bg-white p-4 text-slate-900 shadow-xl backdrop:bg-slate-900/70 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="mb-3 flex items-center gap-2">
        <h2 id={titleId} className="min-w-0 flex-1 truncate font-semibold">
          {attachment.name}
        </h2>
        <button
          type="button"
          disabled={loaded.status !== 'ready'}
          onClick={() => loaded.status === 'ready' && saveFile(loaded.url, attachment.name)}
          className={`rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60 ${TOUCH_TARGET}`}
        >
          {words.download}
        </button>
        <button
          ref={close}
          type="button"
          onClick={onClose}
          className={`rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-600 ${TOUCH_TARGET}`}
        >
          {words.close}
        </button>
      </div>
      <div className="flex justify-center">
        {loaded.status === 'ready' ? (
          <img
            src={loaded.url}
            alt={attachment.name}
            width={full?.width}
            height={full?.height}
            className="h-auto max-h-[75vh] w-auto max-w-full object-contain"
          />
        ) : loaded.status === 'failed' ? (
          <Failed words={words} failure={loaded.failure} onRetry={() => setAttempt((n) => n + 1)} />
        ) : (
          <p className="p-8 text-sm text-slate-600 dark:text-slate-400">{words.loading}</p>
        )}
      </div>
    </ModalDialog>
  );
}

export interface MessageAttachmentsProps {
  threadId: string;
  attachments: readonly AttachmentSummary[];
}

export default function MessageAttachments({ threadId, attachments }: MessageAttachmentsProps) {
  const cache = useAttachmentCache();
  const words = useAttachmentStrings();
  for (const attachment of attachments) threadOf.set(attachment.id, threadId);
  return (
    <ul aria-label={words.files(attachments.length)} className="mt-1 flex flex-wrap gap-2">
      {attachments.map((attachment) =>
        attachmentKind(attachment.content_type) === 'image' ? (
          <Thumbnail key={attachment.id} attachment={attachment} cache={cache} words={words} />
        ) : (
          <FileCard key={attachment.id} attachment={attachment} cache={cache} words={words} />
        ),
      )}
    </ul>
  );
}
