import { useEffect, useRef, useState, type FormEvent } from 'react';
import { emailProblem } from './email.ts';
import { emailWords } from './email-words.ts';
import type { PanelStrings } from './i18n.ts';
import type { EmailAsk } from './session-state.ts';

interface Props {
  ask: EmailAsk;
  /** The email on record (shown once saved). */
  email: string | null;
  strings: PanelStrings;
  /** The panel's language (`en` or `de`): the offer's own words (email-words.ts). */
  lang: string;
  /** Resolves false when the server did not take it. */
  onSave(email: string): Promise<boolean>;
  onDecline(): void;
  /** Its own words instead of the ask's (the offer on leaving, leave-offer.tsx, asks like `person`). */
  line?: string;
}

/** The offer's line: the accessible name of the offer on leaving. */
export const EMAIL_LINE_ID = 'ama-email-line';

/** 44 px tall (a 20 px line and 12 px above and below): a finger's target on a phone. */
const BUTTON = 'rounded-lg px-3 py-3 text-sm font-semibold';

/**
 * Asking for the visitor's email inline, when it helps (issue 23): after the first reply,
 * when they ask for a person, or when the server starts no one without it. Optional but
 * there: "No thanks" keeps chatting. Asked for a person, the field takes the focus. The offer
 * on leaving (leave-offer.tsx) is this one with a line of its own.
 */
export function EmailOffer({ ask, email, strings, lang, onSave, onDecline, line }: Props) {
  const words = emailWords(lang);
  const [problem, setProblem] = useState<string | null>(null);
  const fieldRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (ask === 'person' || ask === 'start') fieldRef.current?.focus();
  }, [ask]);

  if (ask === 'declined') return null;
  if (ask === 'saved') {
    return (
      <p role="status" className="mx-3 mb-2 text-xs text-ama-muted">
        {email && words.saved(email)}
      </p>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = fieldRef.current!.value;
    const found = emailProblem(value);
    setProblem(found === 'required' ? words.required : found && words.invalid);
    if (found) fieldRef.current!.focus();
    else void onSave(value).then((saved) => saved || setProblem(strings.agentError));
  };

  return (
    <form noValidate onSubmit={submit} className="mx-3 mb-2 flex flex-col gap-2 rounded-lg border border-ama-border p-2 text-sm">
      <p id={EMAIL_LINE_ID}>{line ?? (ask === 'start' ? words.required : words.offer)}</p>
      <div className="flex gap-2">
        <input
          ref={fieldRef}
          id="ama-email"
          type="email"
          autoComplete="email"
          maxLength={254}
          aria-label={words.label}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'ama-email-problem' : undefined}
          className="min-w-0 flex-1 rounded-lg border border-ama-border bg-ama-field px-3 py-2 text-ama-text focus:border-ama-ring aria-invalid:border-ama-danger"
        />
        <button type="submit" className={`${BUTTON} bg-(--accent) text-(--accent-contrast) hover:opacity-90`}>
          {words.save}
        </button>
        {ask !== 'start' && (
          <button type="button" onClick={onDecline} className={`${BUTTON} underline underline-offset-2 hover:bg-ama-hover`}>
            {words.noThanks}
          </button>
        )}
      </div>
      {problem && (
        <p id="ama-email-problem" role="alert" className="text-xs font-medium text-ama-danger">
          {problem}
        </p>
      )}
    </form>
  );
}
