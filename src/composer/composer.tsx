import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { MAX_CONTENT_CHARS, codePointLength } from '../core/protocol/limits.ts';
import { loadOnce } from '../core/environment/load-once.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { useThreadSnapshot } from '../hooks/use-thread-snapshot.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { NARROW_QUERY, TOUCH_QUERY, useMediaQuery } from '../ui/use-media-query.ts';
import { draftKey, useDrafts } from './draft-store.ts';
import { useNoteSender } from './use-note-sender.ts';
import type * as TrayModule from './attach-tray.tsx';
import { matchCandidates, mentionQueryAt, mentionedIn, type MentionCandidate } from './mentions.ts';

/** The counter appears when this many characters are left. */
const COUNTER_THRESHOLD = 500;
const MAX_HEIGHT_PX = 240;

interface Props {
  threadId: string;
  thread: InboundThread | undefined;
}

/**
 * The upload tray's chunk, fetched once: when the composer gets focus (opening a thread focuses
 * it), so that a pasted screenshot's thumbnail does not wait for the chunk (paste → thumbnail,
 * issue 19: the chunk was about half of a first paste's 120 ms), and at the latest on the first
 * attach, paste or drop. A failed fetch (offline) is not kept: the next call asks again.
 */
/** The tray's module once fetched: a paste then adds its files within the event, not a task later. */
let trayLoaded: typeof TrayModule | null = null;
const loadTray = loadOnce(() => import('./attach-tray.tsx').then((module) => (trayLoaded = module)));

/** The key that, with Alt, switches between Reply and Note (by its place on the keyboard, so Option+N on a Mac works too). */
const NOTE_SWITCH_CODE = 'KeyN';

/**
 * Writes and sends messages: Enter sends, Shift+Enter is a new line; `@` completes people
 * and agents; the draft survives reloads; a notice says when others wrote meanwhile. Where
 * the server has notes (CONTRACT §11, the thread has a status) it has two modes, Reply and
 * Note (Alt+N switches): a note is set apart in colour, says who sees it, has its own draft,
 * sends no typing to the visitor, and its button says it adds a note.
 */
export function Composer({ threadId, thread }: Props) {
  const { engine, selfSenderId, user } = useEngine();
  const snapshot = useThreadSnapshot(engine, threadId);
  const t = useStrings();
  const o = useOwnershipStrings();
  const hasNotes = thread?.status !== undefined;
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const note = hasNotes && mode === 'note';
  const notes = useNoteSender(threadId);
  const key = note ? `${draftKey(user.id, threadId)}#note` : draftKey(user.id, threadId);
  const text = useDrafts((state) => state.drafts[key] ?? '');
  const setDraft = useDrafts((state) => state.setDraft);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [chosen, setChosen] = useState<MentionCandidate[]>([]);
  const [picker, setPicker] = useState<{ start: number; query: string; active: number } | null>(null);
  // Only one error is known, so a flag: its words follow a language change.
  const [saveFailed, setSaveFailed] = useState(false);
  // Files for the next reply (CONTRACT §13); the tray and its checks load on the first attach, paste or drop.
  const [files, setFiles] = useState<File[]>([]);
  const [refusals, setRefusals] = useState<string[]>([]);
  const [tray, setTray] = useState<typeof TrayModule | null>(trayLoaded);

  const candidates: MentionCandidate[] = (thread?.participants ?? [])
    .filter((participant) => participant.sender_id !== selfSenderId)
    .map((participant) => ({ senderId: participant.sender_id, name: participant.name }));
  const matches = picker ? matchCandidates(candidates, picker.query) : [];
  const length = codePointLength(text);
  const tooLong = length > MAX_CONTENT_CHARS;
  // A reply may be only files; a note is text.
  const blank = text.trim().length === 0 && (note || files.length === 0);
  const agent = thread?.participants.find((participant) => participant.sender_id.startsWith('agent:'));

  // Grow with the text, up to a limit.
  useEffect(() => {
    const element = textarea.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  // Leaving the thread ends typing.
  useEffect(() => () => engine.setTyping(threadId, false), [engine, threadId]);

  const change = useCallback(
    (value: string, caret: number) => {
      setSaveFailed(false);
      setDraft(key, value);
      const query = mentionQueryAt(value, caret);
      setPicker(query ? { ...query, active: 0 } : null);
      // A note is for the team: nobody is told someone is typing, and it is no reply to catch up with.
      if (note) return;
      if (!text && value) engine.startComposing(threadId);
      if (text && !value) engine.stopComposing(threadId);
      engine.setTyping(threadId, value.trim().length > 0);
    },
    [engine, key, note, setDraft, text, threadId],
  );

  function choose(candidate: MentionCandidate) {
    if (!picker) return;
    const before = text.slice(0, picker.start);
    const after = text.slice(picker.start + 1 + picker.query.length);
    const value = `${before}@${candidate.name} ${after}`;
    setDraft(key, value);
    setChosen((list) => [...list.filter((item) => item.senderId !== candidate.senderId), candidate]);
    setPicker(null);
    requestAnimationFrame(() => {
      const caret = before.length + candidate.name.length + 2;
      textarea.current?.setSelectionRange(caret, caret);
      textarea.current?.focus();
    });
  }

  async function send() {
    if (blank || tooLong) return;
    const content = text;
    if (note) {
      if (notes.state.status === 'saving') return;
      setPicker(null);
      // The draft stays until the server has the note: a failed save loses nothing (and text typed meanwhile stays).
      if ((await notes.save(content)) && useDrafts.getState().drafts[key] === content) setDraft(key, '');
      return;
    }
    const attached = files;
    setDraft(key, '');
    setPicker(null);
    setFiles([]);
    setRefusals([]);
    try {
      await engine.send(threadId, content.trim() === '' ? '' : content, mentionedIn(content, chosen), attached);
    } catch {
      // Storing the message failed (storage full?): give the text and files back rather than lose them.
      setDraft(key, content);
      setFiles(attached);
      setSaveFailed(true);
    }
  }

  function attach(chosenFiles: File[]) {
    if (note || chosenFiles.length === 0) return;
    const add = (module: typeof TrayModule) => {
      setTray(() => module);
      const { accepted, refusals } = module.admit(chosenFiles, files.length);
      setFiles((current) => [...current, ...accepted]);
      setRefusals(refusals);
    };
    // Loaded (the composer had focus): React renders the tray before the event ends, and the thumbnail starts loading.
    if (trayLoaded) return add(trayLoaded);
    loadTray().then(
      add,
      // Offline before the tray ever loaded: the files are kept (the user is told so) and added once online.
      () => {
        addEventListener('online', () => attach(chosenFiles), { once: true });
        setRefusals([t.composer.attachFailed]);
      },
    );
  }

  function switchMode() {
    setPicker(null);
    if (mode === 'reply') engine.setTyping(threadId, false);
    setMode(mode === 'reply' ? 'note' : 'reply');
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (hasNotes && event.altKey && !event.ctrlKey && !event.metaKey && event.code === NOTE_SWITCH_CODE) {
      event.preventDefault();
      switchMode();
      return;
    }
    if (picker && matches.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setPicker({ ...picker, active: (picker.active + step + matches.length) % matches.length });
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        choose(matches[picker.active]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setPicker(null);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  const newFromOthers = snapshot.compose?.newFromOthers ?? 0;
  // A finger on a phone has no Enter/Shift+Enter or Alt+N to speak of: the keyboard hints are for the rest.
  const keyboardHints = !useMediaQuery(`${TOUCH_QUERY}, ${NARROW_QUERY}`);
  const placeholder = note
    ? o.composer.notePlaceholder
    : thread?.participation_mode === 'invocation_only' && agent
      ? t.composer.placeholderMention(agent.name)
      : keyboardHints
        ? t.composer.placeholder
        : t.composer.placeholderTouch;
  const noteFailed = note && notes.state.status === 'failed' ? o.composer.noteFailed(errorText(notes.state.error, t)) : null;
  const sendLabel = !hasNotes
    ? t.common.send
    : note
      ? notes.state.status === 'saving'
        ? o.composer.savingNote
        : o.composer.addNote
      : o.composer.sendReply;

  return (
    <div
      onDragOver={(event) => !note && event.dataTransfer.types.includes('Files') && event.preventDefault()}
      onDrop={(event) => {
        if (note || event.dataTransfer.files.length === 0) return;
        event.preventDefault();
        attach([...event.dataTransfer.files]);
      }}
      className={`border-t px-4 py-3 ${note ? 'border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950/40' : 'border-slate-200 dark:border-slate-800'}`}
      data-composer-mode={hasNotes ? mode : undefined}
    >
      {hasNotes && (
        <div className="mb-2 flex flex-wrap items-center gap-2 text-xs">
          <div
            role="group"
            aria-label={o.composer.mode}
            className="inline-flex overflow-hidden rounded-md border border-slate-300 dark:border-slate-700"
          >
            {(['reply', 'note'] as const).map((option) => (
              <button
                key={option}
                type="button"
                aria-pressed={mode === option}
                aria-keyshortcuts="Alt+N"
                onClick={() => mode !== option && switchMode()}
                className={`px-2 py-1 font-medium ${TOUCH_TARGET} ${
                  mode === option
                    ? option === 'note'
                      ? 'bg-amber-500 text-slate-950'
                      : 'bg-indigo-600 text-white'
                    : 'bg-white text-slate-700 dark:bg-slate-900 dark:text-slate-300'
                }`}
              >
                {o.composer[option]}
              </button>
            ))}
          </div>
          <span className={note ? 'font-medium text-amber-900 dark:text-amber-200' : 'text-slate-600 dark:text-slate-400'}>
            {note ? o.note.onlyTeam : keyboardHints ? o.composer.switchHint : null}
          </span>
        </div>
      )}
      {newFromOthers > 0 && !blank && (
        <p role="status" className="mb-2 text-sm text-amber-800 dark:text-amber-300">
          {t.composer.newSinceWriting(newFromOthers)}
        </p>
      )}
      {refusals.length > 0 && (
        <ul role="alert" className="mb-2 space-y-0.5 text-sm text-red-700 dark:text-red-400">
          {refusals.map((refusal) => (
            <li key={refusal}>{refusal}</li>
          ))}
        </ul>
      )}
      {tray && !note && (
        <tray.AttachTray files={files} onRemove={(index) => setFiles((current) => current.filter((_, at) => at !== index))} />
      )}
      <div className="relative">
        {picker && matches.length > 0 && (
          <ul
            role="listbox"
            id={`mentions-${threadId}`}
            aria-label={t.composer.mention}
            className="absolute bottom-full left-0 mb-2 w-64 rounded-md border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
          >
            {matches.map((candidate, index) => (
              <li
                key={candidate.senderId}
                id={`mention-${candidate.senderId}`}
                role="option"
                aria-selected={index === picker.active}
                onMouseDown={(event) => {
                  event.preventDefault();
                  choose(candidate);
                }}
                className={`cursor-pointer px-3 py-1.5 text-sm ${index === picker.active ? 'bg-indigo-50 dark:bg-slate-800' : ''}`}
              >
                {candidate.name}
                {candidate.senderId.startsWith('agent:') && (
                  <span className="ml-2 text-xs text-violet-700 dark:text-violet-300">{t.common.agentTag}</span>
                )}
              </li>
            ))}
          </ul>
        )}
        <label htmlFor={`composer-${threadId}`} className="sr-only">
          {note ? o.composer.note : t.composer.label}
        </label>
        <div className="flex items-end gap-2">
          {!note && (
            <>
              <button
                type="button"
                aria-label={t.composer.attach}
                title={t.composer.attach}
                onClick={(event) => (event.currentTarget.nextElementSibling as HTMLInputElement).click()}
                className={`${TOUCH_TARGET} rounded-md px-2 text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800`}
              >
                <svg
                  aria-hidden="true"
                  viewBox="0 0 24 24"
                  className="size-5"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="2"
                  strokeLinecap="round"
                >
                  <path d="M21 11l-8.5 8.5a5 5 0 01-7-7L14 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L15 7" />
                </svg>
              </button>
              <input
                type="file"
                multiple
                hidden
                data-attach-input
                onChange={(event) => {
                  attach([...(event.currentTarget.files ?? [])]);
                  event.currentTarget.value = '';
                }}
              />
            </>
          )}
          <textarea
            ref={textarea}
            id={`composer-${threadId}`}
            data-composer
            rows={1}
            value={text}
            placeholder={placeholder}
            onChange={(event) => change(event.target.value, event.target.selectionStart)}
            onKeyDown={onKeyDown}
            onPaste={(event) => {
              // A screenshot on the clipboard comes as a file; text pastes as text.
              if (note || event.clipboardData.files.length === 0) return;
              event.preventDefault();
              attach([...event.clipboardData.files]);
            }}
            // A preload only: offline, the first attach asks again and says so.
            onFocus={() => void loadTray().catch(() => undefined)}
            onBlur={() => note || engine.setTyping(threadId, false)}
            aria-invalid={tooLong || undefined}
            aria-describedby={`composer-help-${threadId}`}
            role="combobox"
            aria-expanded={Boolean(picker && matches.length)}
            aria-controls={`mentions-${threadId}`}
            aria-autocomplete="list"
            aria-activedescendant={picker && matches[picker.active] ? `mention-${matches[picker.active]!.senderId}` : undefined}
            className={`max-h-60 min-h-10 flex-1 ${TOUCH_TARGET} resize-none rounded-md border px-3 py-2 ${
              note
                ? 'border-amber-400 bg-amber-100 dark:border-amber-700 dark:bg-amber-950'
                : 'border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-950'
            }`}
          />
          <button
            type="button"
            onClick={() => void send()}
            disabled={blank || tooLong || (note && notes.state.status === 'saving')}
            className={`rounded-md px-4 py-2 font-medium disabled:opacity-50 ${TOUCH_TARGET} ${
              note ? 'bg-amber-500 text-slate-950 hover:bg-amber-400' : 'bg-indigo-600 text-white hover:bg-indigo-700'
            }`}
          >
            {sendLabel}
          </button>
        </div>
        <p id={`composer-help-${threadId}`} className="mt-1 flex justify-between text-xs text-slate-600 dark:text-slate-400">
          <span
            role={saveFailed || noteFailed ? 'alert' : undefined}
            className={saveFailed || noteFailed ? 'text-red-700 dark:text-red-400' : ''}
          >
            {saveFailed ? t.composer.saveFailed : noteFailed ? noteFailed : tooLong ? t.composer.tooLong(length - MAX_CONTENT_CHARS) : ''}
          </span>
          {MAX_CONTENT_CHARS - length <= COUNTER_THRESHOLD && (
            <span className={tooLong ? 'font-semibold text-red-700 dark:text-red-400' : ''}>
              {t.composer.counter(length, MAX_CONTENT_CHARS)}
            </span>
          )}
        </p>
      </div>
    </div>
  );
}
