import { MutationCache, QueryCache, QueryClient, QueryClientProvider, notifyManager } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from './core/api/api-error.ts';
import { EngineProvider } from './engine-provider/engine-context.tsx';
import { currentStrings } from './i18n/locale-store.ts';
import { InboxShell } from './inbox-shell.tsx';
import { useSession, type SessionUser } from './sign-in/session-store.ts';
import { frameBatch } from './ui/frame-batch.ts';

// Query results render in the page's frame batch (instead of a timer task of their own), so a
// thread list update shares its frame's one commit with the engine's and the open thread's.
notifyManager.setScheduler((callback) => frameBatch.schedule(callback));

/** An expired or revoked token, wherever it shows up, returns to sign-in with a message. */
function onError(error: unknown) {
  if (ApiError.is(error) && error.code === 'unauthorized' && useSession.getState().token) {
    useSession.getState().expire(currentStrings().signIn.sessionExpired);
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

/**
 * Everything behind sign-in, in a chunk of its own (the entry holds only React, the session
 * and the screen switch): the query cache, the engine and the inbox.
 */
export function SignedInApp({ user }: { user: SessionUser }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <EngineProvider key={user.id} user={user}>
        <InboxShell />
      </EngineProvider>
    </QueryClientProvider>
  );
}
