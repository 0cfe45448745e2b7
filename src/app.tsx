import { Suspense, useEffect } from 'react';
import { RuntimeConfigProvider } from './config/runtime-config-context.tsx';
import type { RuntimeConfig } from './config/runtime-config.ts';
import { useStrings } from './i18n/locale-store.ts';
import { useSession } from './sign-in/session-store.ts';
import { ErrorBoundary } from './ui/error-boundary.tsx';
import { lazyScreen } from './ui/lazy-screen.tsx';
import { useApplyTheme } from './ui/theme-store.ts';

/** The inbox (query cache, engine, threads): loaded at start when signed in, else while the sign-in page is idle. */
export const inboxScreen = lazyScreen(() => import('./signed-in-app.tsx').then((module) => module.SignedInApp));
/** The sign-in page and its API client: loaded at start when signed out. */
export const signInScreen = lazyScreen(() => import('./sign-in/sign-in-page.tsx').then((module) => module.SignInPage));

export function App({ config }: { config: RuntimeConfig }) {
  useApplyTheme();
  const t = useStrings();
  const token = useSession((state) => state.token);
  const user = useSession((state) => state.user);
  const signedIn = Boolean(token && user);

  // Signing in should not wait for the inbox's code: fetch it once the sign-in page is idle.
  useEffect(() => {
    if (signedIn) return;
    const preload = () => void inboxScreen.preload().catch(() => undefined);
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(preload);
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(preload, 0);
    return () => clearTimeout(timer);
  }, [signedIn]);

  return (
    <RuntimeConfigProvider config={config}>
      <ErrorBoundary name={signedIn ? t.panels.inbox : t.panels.signIn}>
        {/* Only if the code is still loading (main.tsx starts it with the runtime config): rarely seen. */}
        <Suspense fallback={<p className="p-6 text-slate-600 dark:text-slate-300">{t.common.loading}</p>}>
          {token && user ? <inboxScreen.Screen user={user} /> : <signInScreen.Screen />}
        </Suspense>
      </ErrorBoundary>
    </RuntimeConfigProvider>
  );
}
