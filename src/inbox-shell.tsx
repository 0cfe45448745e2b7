import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ownedAgents } from './agents/agent-queries.ts';
import { AGENTS_HASH, closeAgentScreens, useAgentRoute } from './agents/agent-route.ts';
import { useEngine } from './engine-provider/engine-context.tsx';
import { errorText } from './i18n/error-text.ts';
import { useLanguageChoice, useStrings, type LanguageChoice } from './i18n/locale-store.ts';
import { NotificationPermission } from './desktop-notifications/notification-permission.tsx';
import { useDesktopNotifications } from './desktop-notifications/use-desktop-notifications.ts';
import { useTabStateReporter } from './desktop-notifications/use-tab-state-reporter.ts';
import { useTabTitle } from './desktop-notifications/use-tab-title.ts';
import {
  closeNotificationSettings,
  NOTIFICATION_SETTINGS_HASH,
  useNotificationSettingsRoute,
} from './notification-settings/notification-settings-route.ts';
import { useEmailLanguageSync } from './notification-settings/use-email-language-sync.ts';
import { NotificationBell } from './notifications/notification-bell.tsx';
import { notificationCenterOf } from './notifications/notification-center-of.ts';
import { useServiceWorker } from './service-worker/use-service-worker.ts';
import { useSession } from './sign-in/session-store.ts';
import { ThreadView } from './thread/thread-view.tsx';
import { NewThreadDialog } from './threads/new-thread-dialog.tsx';
import { ThreadList } from './threads/thread-list.tsx';
import { agentsQuery, flattenThreads, threadsQuery } from './threads/thread-queries.ts';
import { useThreadListSync } from './threads/use-thread-list-sync.ts';
import { useOwnershipSync } from './queues/use-ownership-sync.ts';
import { useJumpTarget } from './search/jump-target.ts';
import { SearchDialog } from './search/search-dialog.tsx';
import { ConnectionBanner } from './ui/connection-banner.tsx';
import { CompactSelect } from './ui/compact-select.tsx';
import { ErrorBoundary } from './ui/error-boundary.tsx';
import { landFocus } from './ui/focus-landing.ts';
import { useTheme, type ThemeChoice } from './ui/theme-store.ts';
import { TOUCH_TARGET } from './ui/touch-target.ts';

const HASH = /^#\/thread\/([0-9a-f-]{36})$/i;

// The agent screens are for owners only and seldom opened: they load on demand, in their own chunk.
const AgentsArea = lazy(() => import('./agents/agents-area.tsx'));
// The notification settings too: opened now and then, from the menu.
const NotificationSettingsScreen = lazy(() => import('./notification-settings/notification-settings-screen.tsx'));

/** The selected thread lives in the URL hash, so a reload and the back button keep it. */
function useSelectedThread(): [string | null, (threadId: string) => void] {
  const read = () => HASH.exec(location.hash)?.[1] ?? null;
  const [selected, setSelected] = useState(read);
  useEffect(() => {
    const onHash = () => setSelected(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const select = useCallback((threadId: string) => {
    location.hash = `#/thread/${threadId}`;
    setSelected(threadId);
  }, []);
  return [selected, select];
}

const focusComposer = () => document.querySelector<HTMLTextAreaElement>('[data-composer]')?.focus();

/** The signed-in app: threads on the left, the open thread on the right. */
export function InboxShell() {
  const { client, engine, api, user } = useEngine();
  const queryClient = useQueryClient();
  const signOut = useSession((state) => state.signOut);
  const { theme, setTheme } = useTheme();
  const { choice: language, setChoice: setLanguage } = useLanguageChoice();
  const t = useStrings();
  const [selected, select] = useSelectedThread();
  const [creating, setCreating] = useState(false);
  const [searching, setSearching] = useState(false);
  const jump = useJumpTarget((state) => state.jump);
  const agentRoute = useAgentRoute();
  // The agent screens win when both could show (they cannot: one hash at a time).
  const notifySettings = useNotificationSettingsRoute() && !agentRoute;
  const owned = ownedAgents(useQuery(agentsQuery(api)).data);
  const paneOpen = Boolean(selected || agentRoute || notifySettings);
  const threadsData = useInfiniteQuery(threadsQuery(api)).data;
  const threads = useMemo(() => flattenThreads(threadsData), [threadsData]);
  const listed = threads.find((thread) => thread.id === selected);
  // A thread outside the loaded pages (a link, a new one) is fetched on its own.
  const single = useQuery({
    queryKey: ['thread', selected],
    queryFn: () => api.getThread(selected!),
    enabled: Boolean(selected) && !listed,
  });
  const current = listed ?? single.data;
  const notifications = notificationCenterOf(client);
  // A search result or a notification: the thread, at that message.
  const openAt = useCallback(
    (threadId: string, seq: number | null) => {
      if (seq !== null) jump(threadId, seq);
      select(threadId);
    },
    [jump, select],
  );

  useThreadListSync();
  useOwnershipSync();
  useEmailLanguageSync(api, user.id);
  useTabTitle(t.shell.tabTitle);
  useDesktopNotifications((threadId) => threads.find((thread) => thread.id === threadId));
  useServiceWorker(select);
  // The thread this tab shows (none while the agent screens cover it), for the other tabs' notifications.
  useTabStateReporter(agentRoute || notifySettings ? null : selected);

  // After sign-in, and after the agent screens close, focus would sit on <body>: it lands on
  // the thread list's heading (or, on a phone showing a thread, the thread's).
  const onAgentScreens = Boolean(agentRoute || notifySettings);
  useEffect(() => {
    if (onAgentScreens) return;
    const frame = requestAnimationFrame(landFocus);
    return () => cancelAnimationFrame(frame);
  }, [onAgentScreens]);

  // Alt+↑ / Alt+↓ move between threads; "/" focuses the composer.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, select, [contenteditable="true"]');
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        // Ctrl/⌘+K: search, from anywhere (the browser's own use of it is its address bar search).
        event.preventDefault();
        setSearching(true);
      } else if (event.altKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp') && threads.length) {
        event.preventDefault();
        const index = threads.findIndex((thread) => thread.id === selected);
        const next = threads[Math.min(threads.length - 1, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)))];
        if (next) select(next.id);
      } else if (event.key === '/' && !typing) {
        event.preventDefault();
        focusComposer();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select, selected, threads]);

  const signOutNow = () => {
    engine.stop();
    queryClient.clear();
    signOut();
  };

  return (
    <div className="flex h-full flex-col">
      <ConnectionBanner engine={engine} onRetry={() => engine.retryConnection()} />
      <div className="flex min-h-0 flex-1">
        <aside
          className={`flex w-full flex-col border-r border-slate-200 md:w-80 dark:border-slate-800 ${paneOpen ? 'hidden md:flex' : 'flex'}`}
        >
          <div className="min-h-0 flex-1">
            <ErrorBoundary name={t.panels.threadList}>
              <ThreadList
                selectedId={selected}
                onSelect={(id) => {
                  select(id);
                  requestAnimationFrame(focusComposer);
                }}
                onNewThread={() => setCreating(true)}
                onSearch={() => setSearching(true)}
                headerActions={<NotificationBell center={notifications} onOpen={openAt} />}
              />
            </ErrorBoundary>
          </div>
          <div className="flex flex-wrap items-center gap-2 border-t border-slate-200 px-3 py-2 text-sm dark:border-slate-800">
            <span className="w-full truncate font-medium" title={user.email}>
              {t.shell.signedInAs(user.name)}
            </span>
            <CompactSelect<ThemeChoice> id="theme" label={t.shell.themeLabel} value={theme} onChange={setTheme}>
              <option value="system">{t.shell.themeSystem}</option>
              <option value="light">{t.shell.themeLight}</option>
              <option value="dark">{t.shell.themeDark}</option>
            </CompactSelect>
            <CompactSelect<LanguageChoice> id="language" label={t.shell.languageLabel} value={language} onChange={setLanguage}>
              <option value="browser">{t.shell.languageBrowser}</option>
              {/* Each language in its own words, so a user who cannot read the current one still finds theirs. */}
              <option value="en" lang="en">
                English
              </option>
              <option value="de" lang="de">
                Deutsch
              </option>
            </CompactSelect>
            {owned.length > 0 && (
              <a
                href={AGENTS_HASH}
                className="text-xs text-indigo-700 underline dark:text-indigo-300"
                aria-current={agentRoute ? 'page' : undefined}
              >
                {t.shell.agentSettings}
              </a>
            )}
            <a
              href={NOTIFICATION_SETTINGS_HASH}
              className="text-xs text-indigo-700 underline dark:text-indigo-300"
              aria-current={notifySettings ? 'page' : undefined}
            >
              {t.shell.notificationSettings}
            </a>
            <button type="button" onClick={signOutNow} className="text-xs text-slate-700 underline dark:text-slate-300">
              {t.shell.signOut}
            </button>
            <NotificationPermission />
          </div>
        </aside>
        <main className={`min-w-0 flex-1 ${paneOpen ? 'flex' : 'hidden md:flex'} flex-col`}>
          {agentRoute ? (
            <ErrorBoundary name={t.panels.agentSettings}>
              <Suspense fallback={<p className="p-6 text-sm text-slate-600 dark:text-slate-400">{t.shell.loadingAgentSettings}</p>}>
                <AgentsArea route={agentRoute} api={api} onClose={closeAgentScreens} />
              </Suspense>
            </ErrorBoundary>
          ) : notifySettings ? (
            <ErrorBoundary name={t.shell.notificationSettings}>
              <Suspense fallback={<p className="p-6 text-sm text-slate-600 dark:text-slate-400">{t.shell.loadingNotificationSettings}</p>}>
                <NotificationSettingsScreen api={api} userId={user.id} onClose={closeNotificationSettings} />
              </Suspense>
            </ErrorBoundary>
          ) : selected ? (
            <ErrorBoundary key={selected} name={t.panels.thread}>
              {/* A thread erased while open (CONTRACT §14) leaves the lists, so it is fetched and answers
                  404: its view says it was deleted, not "cannot be opened". */}
              {single.isError && !current && !engine.isThreadDeleted(selected) ? (
                <>
                  {/* The thread's own header carries "← Threads" on a phone; without a thread, it is here. */}
                  <div className="border-b border-slate-200 px-2 py-1 md:hidden dark:border-slate-800">
                    <button
                      type="button"
                      onClick={() => (location.hash = '')}
                      className={`text-sm text-indigo-700 dark:text-indigo-300 ${TOUCH_TARGET}`}
                    >
                      {t.shell.backToThreads}
                    </button>
                  </div>
                  <p role="alert" className="p-6 text-sm text-red-700 dark:text-red-400">
                    {t.shell.threadCannotOpen(errorText(single.error, t))}
                  </p>
                </>
              ) : (
                <ThreadView key={selected} threadId={selected} thread={current} />
              )}
            </ErrorBoundary>
          ) : (
            <div className="m-auto max-w-sm p-6 text-center text-slate-600 dark:text-slate-400">
              <p className="text-lg font-medium text-slate-900 dark:text-slate-100">{t.shell.pickThread}</p>
              <p className="mt-1 text-sm">{t.shell.pickThreadHint}</p>
            </div>
          )}
        </main>
      </div>
      {searching && (
        <SearchDialog
          onClose={() => setSearching(false)}
          onOpen={(threadId, seq) => {
            setSearching(false);
            openAt(threadId, seq);
          }}
        />
      )}
      <NewThreadDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(threadId) => {
          setCreating(false);
          select(threadId);
        }}
      />
    </div>
  );
}
