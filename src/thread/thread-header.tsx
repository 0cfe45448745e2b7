import { useMutation, useQueryClient } from '@tanstack/react-query';
import { agentSettingsHash } from '../agents/agent-route.ts';
import type { ParticipationMode } from '../core/protocol/model.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { SyncHealth } from '../core/session/thread-snapshot.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnedAgent } from '../privacy/use-owned-agent.ts';
import { threadKeys } from '../threads/thread-queries.ts';
import { threadTitle } from '../threads/thread-title.ts';
import { VisitorBadge } from '../threads/visitor-badge.tsx';
import { FOCUS_LANDING } from '../ui/focus-landing.ts';
import type { MenuItem } from '../ui/menu-button.tsx';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { NARROW_QUERY, useMediaQuery } from '../ui/use-media-query.ts';
import { ThreadMenu } from './thread-menu.tsx';

/** Follows an in-app link (the inbox routes by hash). */
const goTo = (hash: string) => {
  location.hash = hash;
};

function healthLabel(health: SyncHealth, t: InboxStrings): string {
  switch (health.status) {
    case 'synced':
      return t.thread.synced;
    case 'catching_up':
      return t.thread.catchingUp;
    case 'offline':
      return t.thread.offline;
    case 'failed':
      return t.thread.syncFailed;
  }
}

interface Props {
  thread: InboundThread | undefined;
  threadId: string;
  health: SyncHealth;
  present: readonly string[];
}

export function ThreadHeader({ thread, threadId, health, present }: Props) {
  const { api, selfSenderId } = useEngine();
  const queryClient = useQueryClient();
  const t = useStrings();
  const hasAgent = thread?.participants.some((participant) => participant.sender_id.startsWith('agent:')) ?? false;
  const mode = useMutation({
    mutationFn: (next: ParticipationMode) => api.setMode(threadId, next),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: threadKeys.all }),
  });
  const others = thread?.participants.filter((participant) => participant.sender_id !== selfSenderId) ?? [];
  // A visitor thread's agent, when the signed-in user owns it: its settings are one click away.
  const ownedAgent = useOwnedAgent(thread);
  // On a phone the header keeps one row: the agent's settings and its answer mode move into the menu.
  const narrow = useMediaQuery(NARROW_QUERY);
  const moreItems: MenuItem[] = [];
  if (narrow && ownedAgent) {
    moreItems.push({
      id: 'agent-settings',
      label: t.thread.agentSettingsOf(ownedAgent.name),
      onSelect: () => goTo(agentSettingsHash(ownedAgent.slug)),
    });
  }
  if (narrow && hasAgent && thread?.participation_mode) {
    const current = thread.participation_mode;
    for (const [value, words] of [
      ['open', t.newThread.modeOpen],
      ['invocation_only', t.newThread.modeMentioned],
    ] as const) {
      moreItems.push({
        id: `mode-${value}`,
        label: `${current === value ? '✓ ' : ''}${t.thread.agentAnswers} ${words}`,
        onSelect: () => current !== value && !mode.isPending && mode.mutate(value),
      });
    }
  }

  return (
    <header className="flex flex-wrap items-center gap-x-2 gap-y-1 border-b border-slate-200 px-2 py-2 md:gap-x-4 md:px-4 dark:border-slate-800">
      <button
        type="button"
        onClick={() => goTo('')}
        className={`shrink-0 rounded-md px-2 text-sm text-indigo-700 md:hidden dark:text-indigo-300 ${TOUCH_TARGET}`}
      >
        {t.shell.backToThreads}
      </button>
      <div className="min-w-0 flex-1 basis-0">
        <div className="flex min-w-0 items-center gap-x-2 md:flex-wrap">
          <h2 {...FOCUS_LANDING} tabIndex={-1} className="flex min-w-0 items-center gap-2 truncate text-base font-semibold outline-none">
            {thread ? threadTitle(thread, selfSenderId, t) : t.thread.untitled}
            {thread?.kind === 'public' && (
              <span className="rounded bg-amber-100 px-1.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100">
                {t.common.visitorTag}
              </span>
            )}
          </h2>
          <VisitorBadge visitor={thread?.visitor} />
        </div>
        <ul className="flex gap-x-3 truncate text-xs text-slate-600 md:flex-wrap dark:text-slate-400" aria-label={t.thread.participants}>
          {others.map((participant) => (
            <li key={participant.sender_id} className="flex items-center gap-1">
              {present.includes(participant.sender_id) && <span className="h-2 w-2 rounded-full bg-emerald-500" aria-hidden="true" />}
              {participant.name}
              {present.includes(participant.sender_id) && <span className="sr-only">{t.thread.viewing}</span>}
            </li>
          ))}
        </ul>
      </div>
      {ownedAgent && (
        <a
          href={agentSettingsHash(ownedAgent.slug)}
          className="hidden text-xs font-medium text-indigo-700 md:inline hover:underline dark:text-indigo-300"
          aria-label={t.thread.agentSettingsOf(ownedAgent.name)}
        >
          {t.shell.agentSettings}
        </a>
      )}
      {hasAgent && thread?.participation_mode && (
        <label className="hidden items-center gap-2 text-xs md:flex">
          <span className="text-slate-600 dark:text-slate-400">{t.thread.agentAnswers}</span>
          <select
            value={thread.participation_mode}
            disabled={mode.isPending}
            onChange={(event) => mode.mutate(event.target.value as ParticipationMode)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
          >
            <option value="open">{t.newThread.modeOpen}</option>
            <option value="invocation_only">{t.newThread.modeMentioned}</option>
          </select>
        </label>
      )}
      {mode.isError && (
        <p role="alert" className="w-full text-xs text-red-700 dark:text-red-400">
          {t.thread.modeFailed(errorText(mode.error, t))}
        </p>
      )}
      <p
        // On a phone, only a state that needs attention is shown (the offline banner says more).
        className={`shrink-0 text-xs ${health.status === 'synced' ? 'hidden text-slate-600 md:block dark:text-slate-400' : 'font-medium text-amber-800 dark:text-amber-300'}`}
        data-testid="sync-health"
        // The seq is for whoever looks closer (and for tests); the words say only that all is well.
        title={health.status === 'synced' ? t.thread.syncedUpTo(health.appliedSeq) : undefined}
        data-applied-seq={health.status === 'synced' ? health.appliedSeq : undefined}
      >
        {healthLabel(health, t)}
      </p>
      <ThreadMenu
        threadId={threadId}
        participants={thread?.participants}
        moreItems={moreItems}
        visitorOf={ownedAgent && thread?.visitor ? { agentSlug: ownedAgent.slug, visitor: thread.visitor } : undefined}
      />
    </header>
  );
}
