import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { queueKeys } from '../queues/queues.ts';
import { patchThread, threadKeys, type ThreadPages } from '../threads/thread-queries.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { NARROW_QUERY, useMediaQuery } from '../ui/use-media-query.ts';
import { OwnershipControls, type Change } from './ownership-controls.tsx';
import { OwnershipSheet } from './ownership-sheet.tsx';
import { usePersonName } from './people.ts';

/**
 * Who has the conversation and what to do about it (CONTRACT §11): status, assignee, take
 * over / hand back, snooze and resolve. Shown only when the server gives the thread a status.
 * Every change is committed as an event, which then updates the lists and the timeline.
 * On a phone (below `md`) the bar is one row: the state in words and a Manage button that
 * opens the controls in a sheet with targets a finger can hit.
 */
export function OwnershipBar({ thread }: { thread: InboundThread }) {
  const { api, selfSenderId } = useEngine();
  const queryClient = useQueryClient();
  const t = useStrings();
  const o = useOwnershipStrings();
  const name = usePersonName(thread);
  const narrow = useMediaQuery(NARROW_QUERY);
  const [managing, setManaging] = useState(false);
  const summaryId = useId();

  const change = useMutation({
    mutationFn: (next: Change) => {
      switch (next.kind) {
        case 'status':
          return api.setStatus(thread.id, next.status, next.snoozedUntil);
        case 'assignee':
          return api.setAssignee(thread.id, next.assigneeId);
        case 'takeover':
          return api.takeOver(thread.id);
        case 'handback':
          return api.handBack(thread.id);
      }
    },
    onSuccess: (answer) => {
      // The committed event patches the lists too; a thread in the answer shows the change at once.
      if (answer) {
        queryClient.setQueryData(['thread', thread.id], answer);
        for (const [key, data] of queryClient.getQueriesData<ThreadPages>({ queryKey: threadKeys.all }))
          if (data?.pages) queryClient.setQueryData(key, patchThread(data, thread.id, () => answer).data);
      }
      void queryClient.invalidateQueries({ queryKey: queueKeys.counts });
    },
  });

  const status = thread.status ?? 'open';
  const assignee = thread.assignee_id
    ? thread.assignee_id === selfSenderId
      ? o.controls.you(name(thread.assignee_id))
      : name(thread.assignee_id)
    : o.controls.nobody;
  const controls = (sheet: boolean) => (
    <OwnershipControls
      thread={thread}
      pending={change.isPending}
      onChange={(next) => change.mutate(next)}
      sheet={sheet}
      onDone={sheet ? () => setManaging(false) : undefined}
    />
  );

  return (
    <div
      role="group"
      aria-label={o.controls.label}
      className={
        narrow
          ? 'flex flex-wrap items-center gap-x-2 border-b border-slate-200 py-1 pr-2 pl-4 text-xs dark:border-slate-800'
          : 'flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-1.5 text-xs dark:border-slate-800'
      }
    >
      {narrow ? (
        <>
          {/* A phone: one row, the state in words and one button for the controls. */}
          <p id={summaryId} className="min-w-0 flex-1 truncate text-sm text-slate-700 dark:text-slate-300">
            <span className="sr-only">{o.controls.summary}: </span>
            {[o.status[status], assignee, ...(thread.agent_paused ? [o.list.agentPaused] : [])].join(' · ')}
          </p>
          <button
            type="button"
            aria-haspopup="dialog"
            aria-expanded={managing}
            aria-describedby={summaryId}
            onClick={() => setManaging(true)}
            className={`rounded-md border border-slate-300 px-3 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800 ${TOUCH_TARGET}`}
          >
            {o.controls.manage}
          </button>
          {managing && <OwnershipSheet onClose={() => setManaging(false)}>{controls(true)}</OwnershipSheet>}
        </>
      ) : (
        controls(false)
      )}
      {change.isPending && (
        <span aria-live="polite" className={narrow ? 'sr-only' : undefined}>
          {o.controls.working}
        </span>
      )}
      {change.isError && (
        <p role="alert" className="w-full text-red-700 dark:text-red-400">
          {o.controls.failed(errorText(change.error, t))}
        </p>
      )}
    </div>
  );
}
