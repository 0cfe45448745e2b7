import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { RuntimeConfigProvider } from './config/runtime-config-context.tsx';
import type { RuntimeConfig } from './config/runtime-config.ts';
import { ApiError } from './core/api/api-error.ts';
import { EngineProvider, SESSION_EXPIRED } from './engine/engine-context.tsx';
import { InboxShell } from './inbox-shell.tsx';
import { SignInPage } from './session/sign-in-page.tsx';
import { useSession } from './session/session-store.ts';
import { useApplyTheme } from './ui/theme-store.ts';

/** An expired or revoked token, wherever it shows up, returns to sign-in with a message. */
function onError(error: unknown) {
  if (ApiError.is(error) && error.code === 'unauthorized' && useSession.getState().token) {
    useSession.getState().expire(SESSION_EXPIRED);
  }
}

function createQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // Live events keep cached data current; a refetch on focus would only repeat it.
        refetchOnWindowFocus: false,
        retry: (count, error) => (ApiError.is(error) ? error.retryable && count < 3 : count < 3),
      },
    },
  });
}

export function App({ config }: { config: RuntimeConfig }) {
  useApplyTheme();
  const [queryClient] = useState(createQueryClient);
  const token = useSession((state) => state.token);
  const user = useSession((state) => state.user);
  return (
    <RuntimeConfigProvider config={config}>
      <QueryClientProvider client={queryClient}>
        {token && user ? (
          <EngineProvider key={user.id} user={user}>
            <InboxShell />
          </EngineProvider>
        ) : (
          <SignInPage />
        )}
      </QueryClientProvider>
    </RuntimeConfigProvider>
  );
}
