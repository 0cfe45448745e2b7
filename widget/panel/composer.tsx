import { useState, type KeyboardEvent } from 'react';
import { codePointLength, MAX_CONTENT_CHARS } from '../../src/core/protocol/limits.ts';
import type { PanelStrings } from './i18n.ts';
import { StrokeIcon } from './stroke-icon.tsx';

/** The counter appears once a message is this long: most messages never see it. */
const COUNTER_FROM_CHARS = 4_000;

/** Where the composer's text goes: the conversation's engine, or (before there is one) the start of one. */
export interface ComposerTarget {
  send(text: string): void;
  /** The text changed (typing indicators, waking a paused connection). */
  input?(value: string): void;
  blur?(): void;
}

interface Props {
  target: ComposerTarget;
  strings: PanelStrings;
  /** Nothing can be sent (the conversation is gone, or its first message is on its way). */
  disabled: boolean;
}

/** The message box: Enter sends, Shift+Enter starts a new line; 5,000 code points at most. */
export function Composer({ target, strings, disabled }: Props) {
  const [text, setText] = useState('');
  const length = codePointLength(text);
  const over = length - MAX_CONTENT_CHARS;
  const canSend = !disabled && text.trim().length > 0 && over <= 0;

  const send = () => {
    if (!canSend) return;
    target.send(text.trim());
    setText('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an input method is composing picks a candidate; it does not send.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  };

  const onInput = (value: string) => {
    setText(value);
    target.input?.(value);
  };

  return (
    <form
      className="ama-composer flex items-end gap-2 border-t border-ama-divider px-3 pt-2"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
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
          onKeyDown={onKeyDown}
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
    </form>
  );
}
