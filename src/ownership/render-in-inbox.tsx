/**
 * Test support: renders inbox components as the signed-in app does (query cache, engine
 * context), over a fake engine and the real inbox API on a fake `fetch`.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { fakeFetch, type FakeHandler } from '../core/api/fake-fetch.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import type { InboxClient } from '../core/engine/create-inbox-engine.ts';
import { MutedThreads } from '../core/notify/muted-threads.ts';
import { FIXTURE_IDS, FIXTURE_SENDERS } from '../core/protocol/fixtures.ts';
import { TabHub } from '../core/tabs/tab-hub.ts';
import { fakeEngine } from '../core/testing/fake-engine.ts';
import { EngineValueProvider, type EngineContextValue } from '../engine-provider/engine-context.tsx';

/** Renders `ui` as Alice, signed in; `handler` answers the API's requests. */
export function renderInInbox(ui: ReactNode, handler: FakeHandler) {
  const fake = fakeFetch(handler);
  const api = createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch });
  const { engine, connection } = fakeEngine({ selfSenderId: FIXTURE_SENDERS.alice });
  void engine.start();
  connection.open();
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const value: EngineContextValue = {
    engine,
    api,
    user: { id: FIXTURE_IDS.alice, name: 'Alice', email: 'alice@example.com' } as EngineContextValue['user'],
    selfSenderId: FIXTURE_SENDERS.alice,
    client: {} as InboxClient,
    tabs: { hub: new TabHub({ tabId: 'alice', leadership: null, channel: null }), muted: new MutedThreads(null, 'muted') },
  };
  const view = render(
    <QueryClientProvider client={queryClient}>
      <EngineValueProvider value={value}>{ui}</EngineValueProvider>
    </QueryClientProvider>,
  );
  /** What the API was asked, as `METHOD /path?query` (without `/api/v1`). */
  const asked = () =>
    fake.requests.map((request) => `${request.method} ${request.url.pathname.replace('/api/v1', '')}${request.url.search}`);
  return { ...view, api, engine, connection, queryClient, requests: fake.requests, asked };
}
