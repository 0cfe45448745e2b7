import { useState, type KeyboardEvent } from 'react';
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import { loadOnce } from '../../src/core/environment/load-once.ts';
import { codePointLength, MAX_CONTENT_CHARS } from '../../src/core/protocol/limits.ts';
import type * as TrayModule from './attach-tray.tsx';
import type { PanelStrings } from './i18n.ts';
import { StrokeIcon } from './stroke-icon.tsx';

/** The counter appears once a message is this long: most messages never see it. */
const COUNTER_FROM_CHARS = 4_000;

/** Where the composer's text goes: the conversation's engine, or (before there is one) the start of one. */
export interface ComposerTarget {
  /** `files`: what the visitor attached (checked against the agent's limits already); text may then be empty. */
  send(text: string, files: File[]): void;
  /** The text changed (typing indicators, waking a paused connection). */
  input?(value: string): void;
  blur?(): void;
}

interface Props {
  target: ComposerTarget;
  strings: PanelStrings;
  /** Nothing can be sent (the conversation is gone, or its first message is on its way). */
  disabled: boolean;
  /**
   * The agent's `attachments` settings from its profile (CONTRACT §13): an attach button,
   * paste and drop when they are enabled. The tray and its checks load on first use.
   */
  attach?: unknown;
  lang?: string;
  /** Where the tray shows the uploads of sent messages. */
  engine?: SyncEngine;
  threadId?: string;
  /**
   * The panel's copy of the typed text (VisitorSession.draft): a composer that replaces this
   * one (the conversation was erased, a new one started) starts with it, so nothing is lost.
   */
  draft: (text?: string) => string;
}

type Tray = typeof TrayModule;

/**
 * The tray's chunk, fetched once (again after a failure, e.g. offline). Started as the message
 * box gets focus or the pointer is on the attach button, so a first paste does not wait for it.
 */
const loadTray: () => Promise<Tray> = loadOnce(() => import('./attach-tray.tsx'));
const preloadTray = () => void loadTray().catch(() => undefined);

/** The message box: Enter sends, Shift+Enter starts a new line; 5,000 code points at most. */
export function Composer({ target, strings, disabled, attach, lang = 'en', engine, threadId, draft }: Props) {
  const [text, setText] = useState(draft);
  const [files, setFiles] = useState<File[]>([]);
  const [refusals, setRefusals] = useState<string[]>([]);
  const [tray, setTray] = useState<Tray | null>(null);
  const length = codePointLength(text);
  const over = length - MAX_CONTENT_CHARS;
  const canSend = !disabled && (text.trim().length > 0 || files.length > 0) && over <= 0;
  const attaching = !disabled && (attach as { enabled?: unknown } | undefined)?.enabled === true;

  const send = () => {
    if (!canSend) return;
    target.send(text.trim(), files);
    setText(draft(''));
    setFiles([]);
    setRefusals([]);
  };

  // Files from the button, a paste or a drop: checked (in the tray's chunk, loaded now) before any upload.
  const add = (chosen: File[]) => {
    if (!attaching || chosen.length === 0) return;
    loadTray().then(
      (module) => {
        setTray(() => module);
        const { accepted, refusals } = module.admit(chosen, attach, files.length, lang);
        setFiles((current) => [...current, ...accepted]);
        setRefusals(refusals);
      },
      // Offline before the tray ever loaded: the files are kept (the visitor is told so) and added once online.
      () => {
        addEventListener('online', () => add(chosen), { once: true });
        setRefusals([strings.attachFailed]);
      },
    );
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an input method is composing picks a candidate; it does not send.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  };

  const onInput = (value: string) => {
    setText(draft(value));
    target.input?.(value);
  };

  return (
    <form
      className="ama-composer border-t border-ama-divider"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
      onDragOver={(event) => attaching && event.preventDefault()}
      onDrop={(event) => {
        event.preventDefault();
        add([...(event.dataTransfer?.files ?? [])]);
      }}
    >
      {tray ? (
        <tray.AttachTray
          refusals={refusals}
          files={files}
          lang={lang}
          onRemove={(index) => setFiles((current) => current.filter((_, at) => at !== index))}
          engine={engine}
          threadId={threadId}
        />
      ) : (
        // The tray's chunk did not load (offline before the first attach): its one reason, here.
        refusals.length > 0 && (
          <p role="alert" className="px-3 pt-2 text-xs font-medium text-ama-danger">
            {refusals[0]}
          </p>
        )
      )}
      <div className="flex items-end gap-2 px-3 pt-2">
        {attaching && (
          <>
            <button
              type="button"
              aria-label={strings.attach}
              onPointerEnter={preloadTray}
              onClick={(event) => (event.currentTarget.nextSibling as HTMLInputElement).click()}
              className="mb-0.5 grid size-10 shrink-0 place-items-center rounded-full text-ama-muted hover:text-ama-text"
            >
              <StrokeIcon path="M21 11l-8.5 8.5a5 5 0 01-7-7L14 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L15 7" />
            </button>
            <input
              type="file"
              multiple
              hidden
              onChange={(event) => {
                add([...(event.currentTarget.files ?? [])]);
                event.currentTarget.value = '';
              }}
            />
          </>
        )}
        <div className="flex min-w-0 flex-1 flex-col">
          <textarea
            data-autofocus=""
            rows={1}
            value={text}
            disabled={disabled}
            aria-label={strings.messageLabel}
            aria-describedby={length >= COUNTER_FROM_CHARS ? 'ama-counter' : undefined}
            aria-invalid={over > 0 || undefined}
            placeholder={strings.placeholder}
            onInput={(event) => onInput(event.currentTarget.value)}
            onPaste={(event) => {
              // A screenshot on the clipboard comes as a file; text pastes as text.
              const pasted = [...(event.clipboardData?.files ?? [])];
              if (pasted.length > 0 && attaching) {
                event.preventDefault();
                add(pasted);
              }
            }}
            onKeyDown={onKeyDown}
            onFocus={() => attaching && preloadTray()}
            onBlur={() => target.blur?.()}
            className="field-sizing-content max-h-32 min-h-10 w-full resize-none rounded-xl border border-ama-border bg-ama-field px-3 py-2 text-sm text-ama-text placeholder:text-ama-muted focus:border-ama-ring disabled:bg-ama-field-disabled"
          />
          {length >= COUNTER_FROM_CHARS && (
            <p
              id="ama-counter"
              aria-live="polite"
              className={`mt-0.5 text-right text-xs ${over > 0 ? 'font-medium text-ama-danger' : 'text-ama-muted'}`}
            >
              {over > 0 ? strings.tooLong(over) : strings.counter(length, MAX_CONTENT_CHARS)}
            </p>
          )}
        </div>
        <button
          type="submit"
          disabled={!canSend}
          aria-label={strings.send}
          className="mb-0.5 grid size-10 shrink-0 place-items-center rounded-full bg-(--accent) text-(--accent-contrast) hover:opacity-90 disabled:opacity-40"
        >
          <StrokeIcon path="M5 12h14M13 6l6 6-6 6" />
        </button>
      </div>
    </form>
  );
}
