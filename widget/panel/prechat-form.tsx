import { useRef, useState, type FormEvent } from 'react';
import { emailProblem } from './email.ts';
import type { PanelStrings } from './i18n.ts';

interface Props {
  strings: PanelStrings;
  /** What the server said about the last address, if it refused it. */
  serverProblem: 'invalid_email' | null;
  initialEmail: string;
  initialName: string;
  onSubmit(email: string, name: string): void;
}

/** Who the visitor is, before the conversation starts: an email (checked) and a name (optional). */
export function PrechatForm({ strings, serverProblem, initialEmail, initialName, onSubmit }: Props) {
  const [email, setEmail] = useState(initialEmail);
  const [name, setName] = useState(initialName);
  const [problem, setProblem] = useState<'required' | 'invalid' | null>(serverProblem ? 'invalid' : null);
  const emailRef = useRef<HTMLInputElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = emailProblem(email);
    setProblem(found);
    if (found) emailRef.current?.focus();
    else onSubmit(email, name);
  };

  const message = problem === 'required' ? strings.emailRequired : problem === 'invalid' ? strings.emailInvalid : null;
  const field =
    'w-full rounded-lg border border-ama-border bg-ama-field px-3 py-2 text-sm text-ama-text focus:border-ama-ring aria-invalid:border-ama-danger';

  return (
    <form noValidate onSubmit={submit} className="flex min-h-0 flex-1 flex-col gap-3 overflow-y-auto overscroll-contain p-4">
      <p className="text-sm text-ama-text-soft">{strings.prechatIntro}</p>
      <div className="flex flex-col gap-1">
        <label htmlFor="ama-email" className="text-sm font-medium text-ama-text">
          {strings.emailLabel}
        </label>
        <input
          ref={emailRef}
          id="ama-email"
          data-autofocus=""
          type="email"
          autoComplete="email"
          inputMode="email"
          required
          maxLength={254}
          value={email}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? 'ama-email-problem' : undefined}
          onInput={(event) => setEmail(event.currentTarget.value)}
          className={field}
        />
        {message && (
          <p id="ama-email-problem" role="alert" className="text-xs font-medium text-ama-danger">
            {message}
          </p>
        )}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="ama-name" className="text-sm font-medium text-ama-text">
          {strings.nameLabel}
        </label>
        <input
          id="ama-name"
          type="text"
          autoComplete="name"
          maxLength={120}
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
          className={field}
        />
      </div>
      <button
        type="submit"
        className="mt-1 rounded-lg bg-(--accent) px-4 py-2 text-sm font-semibold text-(--accent-contrast) hover:opacity-90"
      >
        {strings.startChat}
      </button>
    </form>
  );
}
