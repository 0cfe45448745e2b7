import { useEffect, useId, useRef, useState } from 'react';
import { useStrings } from '../i18n/locale-store.ts';
import { HINT, INPUT, OK_TEXT, PRIMARY_BUTTON, SECONDARY_BUTTON } from './settings-styles.ts';

interface Props {
  /** What the secret is ("Identity secret", "Agent token"), the field's label. */
  label: string;
  value: string;
  /** Called when the owner has copied it and dismisses it: it is then gone for good. */
  onDone(): void;
}

type CopyState = 'idle' | 'copied' | 'selected';

/**
 * A secret the server returns only once: shown in a read-only field with a Copy button
 * (the Clipboard API; where that is missing or refused, the text is selected so the owner
 * can press Ctrl+C) and a warning that it will not be shown again. Focus moves to the field
 * so a screen reader reads it at once.
 */
export function SecretReveal({ label, value, onDone }: Props) {
  const t = useStrings();
  const field = useRef<HTMLInputElement>(null);
  const warningId = useId();
  const [copy, setCopy] = useState<CopyState>('idle');

  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [value]);

  const selectAll = () => {
    field.current?.focus();
    field.current?.select();
    setCopy('selected');
  };

  const copyNow = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setCopy('copied');
    } catch {
      selectAll();
    }
  };

  return (
    <div className="mt-3 rounded-lg border border-amber-300 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950">
      <p id={warningId} className="text-sm font-medium text-amber-900 dark:text-amber-100">
        {t.agents.copyWarning}
      </p>
      <label className="mt-2 block text-sm font-medium">
        {label}
        <input
          ref={field}
          readOnly
          value={value}
          aria-describedby={warningId}
          onFocus={(event) => event.currentTarget.select()}
          spellCheck={false}
          autoComplete="off"
          className={`${INPUT} mt-1 font-mono`}
          data-secret
        />
      </label>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <button type="button" className={PRIMARY_BUTTON} onClick={() => void copyNow()}>
          {t.agents.copy}
        </button>
        <button type="button" className={SECONDARY_BUTTON} onClick={onDone}>
          {t.agents.copyDone}
        </button>
        <span aria-live="polite" className={copy === 'copied' ? OK_TEXT : HINT}>
          {copy === 'copied' ? t.agents.copied : copy === 'selected' ? t.agents.selected : ''}
        </span>
      </div>
    </div>
  );
}
