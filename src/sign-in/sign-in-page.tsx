import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../core/api/api-error.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { useRuntimeConfig } from '../config/runtime-config-context.tsx';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useSession } from './session-store.ts';

/** Why signing in failed, in words of the active language. */
/** The look of the email and password fields. */
const FIELD = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base dark:border-slate-700 dark:bg-slate-950';

function failureText(failure: unknown, t: InboxStrings): string {
  if (ApiError.is(failure) && failure.code === 'unauthorized') return t.signIn.wrongPassword;
  if (ApiError.is(failure) && failure.code === 'network_error') return t.signIn.unreachable;
  return ApiError.is(failure) ? t.apiError(failure.code, failure.message) : t.signIn.failed;
}

/** Sign in against the server (CONTRACT §1). Says what went wrong in words, keeps what was typed. */
export function SignInPage() {
  const config = useRuntimeConfig();
  const t = useStrings();
  const notice = useSession((state) => state.notice);
  const signIn = useSession((state) => state.signIn);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // The failure itself, so its words follow a language change.
  const [error, setError] = useState<{ failure: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  // index.html's title is English; the inbox sets its own (with the unread count) once signed in.
  useEffect(() => {
    document.title = t.shell.tabTitle;
  }, [t]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const api = createInboxApi({ serverUrl: config.apiBaseUrl, getToken: () => null });
      const { token, user } = await api.login(email.trim(), password);
      signIn(token, { id: user.id, name: user.name, email: user.email ?? email.trim(), avatar_url: user.avatar_url });
    } catch (failure) {
      setError({ failure });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-full items-center justify-center bg-slate-50 px-4 dark:bg-slate-950">
      <form
        onSubmit={(event) => void submit(event)}
        className="w-full max-w-sm space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
        aria-labelledby="sign-in-title"
      >
        <h1 id="sign-in-title" className="text-xl font-semibold">
          {t.signIn.title}
        </h1>
        {notice && (
          <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
            {notice}
          </p>
        )}
        <label className="block text-sm font-medium">
          {t.signIn.email}
          <input
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            className={FIELD}
          />
        </label>
        <label className="block text-sm font-medium">
          {t.signIn.password}
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            className={FIELD}
          />
        </label>
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {failureText(error.failure, t)}
          </p>
        )}
        <button
          type="submit"
          disabled={busy}
          className="w-full rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
        >
          {busy ? t.signIn.submitting : t.signIn.submit}
        </button>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {t.signIn.demoHint} <kbd>alice@example.com</kbd> {t.signIn.demoOr} <kbd>bob@example.com</kbd>, {t.signIn.demoPassword}{' '}
          <kbd>password123</kbd>.
        </p>
      </form>
    </main>
  );
}
