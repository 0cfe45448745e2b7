import { useState, type FormEvent } from 'react';
import { ApiError } from '../core/api/api-error.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { useRuntimeConfig } from '../config/runtime-config-context.tsx';
import { useSession } from './session-store.ts';

/** Sign in against the server (CONTRACT §1). Says what went wrong in words, keeps what was typed. */
export function SignInPage() {
  const config = useRuntimeConfig();
  const notice = useSession((state) => state.notice);
  const signIn = useSession((state) => state.signIn);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const api = createInboxApi({ serverUrl: config.apiBaseUrl, getToken: () => null });
      const { token, user } = await api.login(email.trim(), password);
      signIn(token, { id: user.id, name: user.name, email: user.email ?? email.trim(), avatar_url: user.avatar_url });
    } catch (failure) {
      if (ApiError.is(failure) && failure.code === 'unauthorized') setError('Wrong email or password.');
      else if (ApiError.is(failure) && failure.code === 'network_error')
        setError('The server cannot be reached. Check your connection and try again.');
      else setError(ApiError.is(failure) ? failure.message : 'Signing in failed. Try again.');
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
          Sign in to your inbox
        </h1>
        {notice && (
          <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
            {notice}
          </p>
        )}
        <label className="block text-sm font-medium">
          Email
          <input
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base dark:border-slate-700 dark:bg-slate-950"
          />
        </label>
        <label className="block text-sm font-medium">
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base dark:border-slate-700 dark:bg-slate-950"
          />
        </label>
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={busy}
          className="w-full rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Local demo: <kbd>alice@example.com</kbd> or <kbd>bob@example.com</kbd>, password <kbd>password123</kbd>.
        </p>
      </form>
    </main>
  );
}
