/**
 * A message's files in the widget (CONTRACT §13): one chunk, loaded with the first message
 * that has one (message-row.tsx), so a chat without files does not download it
 * (e2e/bench/bundle-sizes.ts counts it apart). Images show as thumbnails in a box of their
 * final size before their bytes arrive and open full size in a modal viewer; other files as a
 * card that downloads on click. Fetched with the visitor token in a header, never in the URL.
 */
import { useEffect, useRef, useState } from 'react';
import { attachmentKind, formatFileSize, thumbnailBox } from '../../src/core/attachments/attachment-display.ts';
import {
  AttachmentCache,
  AttachmentFetchError,
  attachmentPath,
  saveFile,
  type AttachmentFailure,
  type AttachmentVariant,
} from '../../src/core/attachments/attachment-fetch.ts';
import { apiBaseUrl } from '../../src/core/api/http-client.ts';
import type { AttachmentSummary } from '../../src/core/protocol/model.ts';
import { activeIn, focusableIn } from './focus-trap.ts';

/** Where the visitor's files are: the agent's slug, the thread, the server, the token of now. */
export interface FileContext {
  serverUrl: string;
  slug: string;
  threadId: string;
  token(): string | null;
  lang: string;
}

/** The panel is narrow: a thumbnail is at most this big (CSS pixels). */
const THUMBNAIL_BOX = { width: 220, height: 180 };

interface Words {
  files: string;
  open(name: string): string;
  download(name: string, kind: string, size: string): string;
  kind: Record<ReturnType<typeof attachmentKind>, string>;
  loading: string;
  failed: Record<AttachmentFailure, string>;
  retry: string;
  save: string;
  close: string;
}

const WORDS: Record<string, Words> = {
  en: {
    files: 'Attached files',
    open: (name) => `Open image ${name}`,
    download: (name, kind, size) => `Download ${name} (${kind}, ${size})`,
    kind: { image: 'Image', pdf: 'PDF document', text: 'Text file', file: 'File' },
    loading: 'Loading…',
    failed: {
      gone: 'This file is no longer available.',
      denied: 'This file cannot be opened here.',
      offline: 'The file could not be loaded: no connection.',
      failed: 'The file could not be loaded.',
    },
    retry: 'Try again',
    save: 'Download',
    close: 'Close',
  },
  de: {
    files: 'Angehängte Dateien',
    open: (name) => `Bild ${name} öffnen`,
    download: (name, kind, size) => `${name} herunterladen (${kind}, ${size})`,
    kind: { image: 'Bild', pdf: 'PDF-Dokument', text: 'Textdatei', file: 'Datei' },
    loading: 'Wird geladen…',
    failed: {
      gone: 'Diese Datei ist nicht mehr verfügbar.',
      denied: 'Diese Datei kann hier nicht geöffnet werden.',
      offline: 'Die Datei konnte nicht geladen werden: keine Verbindung.',
      failed: 'Die Datei konnte nicht geladen werden.',
    },
    retry: 'Erneut versuchen',
    save: 'Herunterladen',
    close: 'Schließen',
  },
};

const caches = new Map<string, AttachmentCache>();

/** One cache per server, agent and thread (the thread is part of every download path). */
function cacheFor(files: FileContext): AttachmentCache {
  const key = `${files.serverUrl}\n${files.slug}\n${files.threadId}`;
  let cache = caches.get(key);
  if (!cache) {
    const base = apiBaseUrl(files.serverUrl);
    cache = new AttachmentCache({
      url: (id, variant) => base + attachmentPath(files.slug, files.threadId, id, variant),
      getToken: files.token,
    });
    caches.set(key, cache);
  }
  return cache;
}

type Loaded = { url?: string; failure?: AttachmentFailure; for?: string };
const failureOf = (error: unknown): AttachmentFailure => (error instanceof AttachmentFetchError ? error.failure : 'failed');

function useFile(cache: AttachmentCache, id: string, variant: AttachmentVariant, attempt: number): Loaded {
  const [loaded, setLoaded] = useState<Loaded>({});
  const current = `${variant}${id}${attempt}`;
  useEffect(() => {
    let live = true;
    cache.acquire(id, variant).then(
      (url) => live && setLoaded({ url, for: current }),
      (error: unknown) => live && setLoaded({ failure: failureOf(error), for: current }),
    );
    return () => {
      live = false;
      cache.release(id, variant);
    };
  }, [cache, id, variant, current]);
  return loaded.for === current ? loaded : {};
}

const BUTTON = 'rounded px-2 py-1 font-medium underline underline-offset-2 hover:bg-ama-hover';
/*
 * Styles only this chunk uses are inline (CSSOM, which no Content-Security-Policy blocks): in
 * the panel's stylesheet every visitor would download their rules (e2e/widget-size.spec.ts).
 */
const FILL = { height: '100%' };
/** A target one can tap (44 px). */
const TARGET = { minHeight: '44px' };
const BLOCK = { display: 'block' };
const BELOW = { marginTop: '4px' };
/** The viewer covers the panel. */
const OVER_PANEL = { position: 'absolute', inset: 0, zIndex: 10 } as const;

function Failed({ words, failure, retry }: { words: Words; failure: AttachmentFailure; retry(): void }) {
  return (
    <p role="alert" className="flex flex-col items-center justify-center p-2 text-center text-xs text-ama-danger" style={FILL}>
      {words.failed[failure]}
      {failure !== 'gone' && (
        <button type="button" className={BUTTON} style={TARGET} onClick={retry}>
          {words.retry}
        </button>
      )}
    </p>
  );
}

function Viewer({ file, cache, words, close }: { file: AttachmentSummary; cache: AttachmentCache; words: Words; close(): void }) {
  const [attempt, setAttempt] = useState(0);
  const loaded = useFile(cache, file.id, 'original', attempt);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // What had the focus (the thumbnail) gets it back when the viewer closes.
    const opener = (dialog.current?.getRootNode() as ShadowRoot | undefined)?.activeElement as HTMLElement | null;
    dialog.current?.querySelector<HTMLElement>('[data-close]')?.focus();
    return () => opener?.focus();
  }, []);
  return (
    <div
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-label={file.name}
      className="flex flex-col bg-ama-surface p-3"
      style={OVER_PANEL}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          close();
        } else if (event.key === 'Tab') {
          // The focus stays in the viewer while it is open.
          const [first, ...rest] = focusableIn(dialog.current!);
          const last = rest.at(-1) ?? first;
          const active = activeIn(dialog.current!);
          if (event.shiftKey ? active === first : active === last) {
            event.preventDefault();
            (event.shiftKey ? last : first)?.focus();
          }
        }
      }}
    >
      <div className="mb-2 flex items-center gap-2">
        <h2 className="min-w-0 flex-1 truncate text-sm font-semibold">{file.name}</h2>
        <button
          type="button"
          className={BUTTON}
          style={TARGET}
          disabled={!loaded.url}
          onClick={() => loaded.url && saveFile(loaded.url, file.name)}
        >
          {words.save}
        </button>
        <button type="button" data-close className={BUTTON} style={TARGET} onClick={close}>
          {words.close}
        </button>
      </div>
      <div className="flex min-h-0 flex-1 items-center justify-center">
        {loaded.url ? (
          <img src={loaded.url} alt={file.name} style={{ maxHeight: '100%', maxWidth: '100%', objectFit: 'contain' }} />
        ) : loaded.failure ? (
          <Failed words={words} failure={loaded.failure} retry={() => setAttempt((n) => n + 1)} />
        ) : (
          <p className="text-xs text-ama-muted">{words.loading}</p>
        )}
      </div>
    </div>
  );
}

function Thumbnail({ file, cache, words }: { file: AttachmentSummary; cache: AttachmentCache; words: Words }) {
  const [attempt, setAttempt] = useState(0);
  const [viewing, setViewing] = useState(false);
  const loaded = useFile(cache, file.id, 'thumbnail', attempt);
  const box = thumbnailBox(file, THUMBNAIL_BOX);
  // The final size before the bytes arrive, kept in ratio in a narrower bubble.
  const style = { display: 'block', width: `${box.width}px`, maxWidth: '100%', aspectRatio: `${box.width} / ${box.height}` };
  const frame = 'overflow-hidden rounded-xl bg-ama-bubble';
  return (
    <li>
      {loaded.url ? (
        <button type="button" aria-label={words.open(file.name)} className={frame} style={style} onClick={() => setViewing(true)}>
          <img
            src={loaded.url}
            alt={file.name}
            width={box.width}
            height={box.height}
            className="w-full"
            style={{ ...FILL, objectFit: 'contain' }}
          />
        </button>
      ) : (
        <div className={frame} style={style} aria-busy={!loaded.failure}>
          {loaded.failure ? (
            <Failed words={words} failure={loaded.failure} retry={() => setAttempt((n) => n + 1)} />
          ) : (
            <span className="sr-only">{`${file.name}: ${words.loading}`}</span>
          )}
        </div>
      )}
      {viewing && <Viewer file={file} cache={cache} words={words} close={() => setViewing(false)} />}
    </li>
  );
}

function Card({ file, cache, words, lang }: { file: AttachmentSummary; cache: AttachmentCache; words: Words; lang: string }) {
  const [state, setState] = useState<{ busy?: boolean; failure?: AttachmentFailure }>({});
  const kind = words.kind[attachmentKind(file.content_type)];
  const size = formatFileSize(file.size, lang);
  const download = () => {
    if (state.busy) return;
    setState({ busy: true });
    cache.acquire(file.id, 'original').then(
      (url) => {
        saveFile(url, file.name, document);
        setState({});
      },
      (error: unknown) => setState({ failure: failureOf(error) }),
    );
    cache.release(file.id, 'original');
  };
  return (
    <li>
      <button
        type="button"
        aria-label={words.download(file.name, kind, size)}
        aria-busy={state.busy}
        onClick={download}
        className="flex items-center gap-2 rounded-xl border border-ama-border bg-ama-surface p-2 text-left text-sm hover:border-ama-muted"
        style={{ ...TARGET, width: '224px', maxWidth: '100%' }}
      >
        <svg
          aria-hidden="true"
          viewBox="0 0 24 24"
          width="28"
          height="28"
          className="shrink-0"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
        >
          <path d="M6 2.5h8l4 4v15H6zM14 2.5v4h4M9 13h6M9 16h6" />
        </svg>
        <span className="min-w-0">
          <span className="truncate font-medium" style={BLOCK}>
            {file.name}
          </span>
          <span className="text-xs text-ama-muted" style={BLOCK}>
            {state.busy ? words.loading : `${kind} · ${size}`}
          </span>
        </span>
      </button>
      {state.failure && (
        <p role="alert" className="text-xs text-ama-danger" style={BELOW}>
          {words.failed[state.failure]}
        </p>
      )}
    </li>
  );
}

export function MessageFiles({ files, attachments, own }: { files: FileContext; attachments: readonly AttachmentSummary[]; own: boolean }) {
  const words = WORDS[files.lang] ?? WORDS.en!;
  const cache = cacheFor(files);
  return (
    <ul
      aria-label={words.files}
      className="flex max-w-[85%] gap-2"
      style={{ ...BELOW, flexWrap: 'wrap', ...(own ? { marginLeft: 'auto', justifyContent: 'flex-end' } : {}) }}
    >
      {attachments.map((file) =>
        attachmentKind(file.content_type) === 'image' ? (
          <Thumbnail key={file.id} file={file} cache={cache} words={words} />
        ) : (
          <Card key={file.id} file={file} cache={cache} words={words} lang={files.lang} />
        ),
      )}
    </ul>
  );
}
