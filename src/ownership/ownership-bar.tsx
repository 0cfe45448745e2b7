import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ThreadStatus } from '../core/protocol/model.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { errorText } from '../i18n/error-text.ts';
import { formatDateTime } from '../i18n/format.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { queueKeys } from '../queues/queues.ts';
import { patchThread, threadKeys, type ThreadPages } from '../threads/thread-queries.ts';
import { MenuButton } from '../ui/menu-button.tsx';
import { agentOf, usePersonName } from './people.ts';
import { inAnHour, localInputValue, tomorrowMorning } from './snooze-times.ts';

type Change =
  | { kind: 'status'; status: ThreadStatus; snoozedUntil?: string }
  | { kind: 'assignee'; assigneeId: string | null }
  | { kind: 'takeover' }
  | { kind: 'handback' };

const BUTTON =
  'rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';
const SELECT = 'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs dark:border-slate-700 dark:bg-slate-950';

/**
 * Who has the conversation and what to do about it (CONTRACT §11): status, assignee, take
 * over / hand back, snooze and resolve. Shown only when the server gives the thread a status.
 * Every change is committed as an event, which then updates the lists and the timeline.
 */
export function OwnershipBar({ thread }: { thread: InboundThread }) {
  const { api, selfSenderId } = useEngine();
  const queryClient = useQueryClient();
  const t = useStrings();
  const o = useOwnershipStrings();
  const name = usePersonName(thread);
  const [choosing, setChoosing] = useState(false);
  const [until, setUntil] = useState('');
  const [pastTime, setPastTime] = useState(false);
  const ids = { status: useId(), assignee: useId(), until: useId() };

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
  const agent = agentOf(thread);
  const people = [
    ...new Set([
      selfSenderId,
      ...thread.participants.map((participant) => participant.sender_id).filter((id) => id.startsWith('user:')),
      ...(thread.assignee_id ? [thread.assignee_id] : []),
    ]),
  ];
  const snoozeAt = (date: Date) => change.mutate({ kind: 'status', status: 'snoozed', snoozedUntil: date.toISOString() });

  return (
    <div
      role="group"
      aria-label={o.controls.label}
      className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-1.5 text-xs dark:border-slate-800"
    >
      <label htmlFor={ids.status} className="text-slate-600 dark:text-slate-400">
        {o.controls.status}
      </label>
      <select
        id={ids.status}
        className={SELECT}
        value={status}
        disabled={change.isPending}
        onChange={(event) => change.mutate({ kind: 'status', status: event.target.value as ThreadStatus })}
      >
        <option value="open">{o.status.open}</option>
        <option value="waiting">{o.status.waiting}</option>
        <option value="resolved">{o.status.resolved}</option>
        {/* Snoozing needs a time: it is chosen with Snooze. */}
        {status === 'snoozed' && (
          <option value="snoozed" disabled>
            {o.status.snoozed}
          </option>
        )}
      </select>
      <label htmlFor={ids.assignee} className="text-slate-600 dark:text-slate-400">
        {o.controls.assignee}
      </label>
      <select
        id={ids.assignee}
        className={SELECT}
        value={thread.assignee_id ?? ''}
        disabled={change.isPending}
        onChange={(event) => change.mutate({ kind: 'assignee', assigneeId: event.target.value || null })}
      >
        <option value="">{o.controls.nobody}</option>
        {people.map((id) => (
          <option key={id} value={id}>
            {id === selfSenderId ? o.controls.you(name(id)) : name(id)}
          </option>
        ))}
      </select>
      {/* Someone else's take-over can be taken over in turn; a paused agent can be handed back. */}
      {agent && (!thread.agent_paused || thread.assignee_id !== selfSenderId) && (
        <button type="button" className={BUTTON} disabled={change.isPending} onClick={() => change.mutate({ kind: 'takeover' })}>
          {o.controls.takeOver}
        </button>
      )}
      {agent && thread.agent_paused && (
        <button type="button" className={BUTTON} disabled={change.isPending} onClick={() => change.mutate({ kind: 'handback' })}>
          {o.controls.handBack}
        </button>
      )}
      <MenuButton
        label={o.controls.snooze}
        icon={<span className={BUTTON}>{o.controls.snooze} ▾</span>}
        items={[
          { id: 'hour', label: o.controls.snoozeHour, onSelect: () => snoozeAt(inAnHour(Date.now())) },
          { id: 'morning', label: o.controls.snoozeMorning, onSelect: () => snoozeAt(tomorrowMorning(Date.now())) },
          {
            id: 'choose',
            label: o.controls.snoozeChoose,
            onSelect: () => {
              setUntil(localInputValue(tomorrowMorning(Date.now())));
              setChoosing(true);
            },
          },
        ]}
      />
      {status === 'resolved' || status === 'snoozed' ? (
        <button
          type="button"
          className={BUTTON}
          disabled={change.isPending}
          onClick={() => change.mutate({ kind: 'status', status: 'open' })}
        >
          {o.controls.reopen}
        </button>
      ) : (
        <button
          type="button"
          className={`${BUTTON} border-emerald-600 text-emerald-800 dark:border-emerald-500 dark:text-emerald-200`}
          disabled={change.isPending}
          onClick={() => change.mutate({ kind: 'status', status: 'resolved' })}
        >
          {o.controls.resolve}
        </button>
      )}
      {status === 'snoozed' && thread.snoozed_until && (
        <span className="text-slate-600 dark:text-slate-400">
          {o.controls.snoozedUntil(formatDateTime(t.locale, thread.snoozed_until))}
        </span>
      )}
      {thread.agent_paused && <span className="text-violet-800 dark:text-violet-300">{o.controls.agentPaused}</span>}
      {choosing && (
        <form
          className="flex w-full flex-wrap items-center gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            const date = new Date(until);
            if (Number.isNaN(date.getTime()) || date.getTime() <= Date.now()) {
              setPastTime(true);
              return;
            }
            setPastTime(false);
            setChoosing(false);
            snoozeAt(date);
          }}
        >
          <label htmlFor={ids.until}>{o.controls.snoozeUntil}</label>
          <input
            id={ids.until}
            type="datetime-local"
            value={until}
            onChange={(event) => setUntil(event.target.value)}
            className={SELECT}
            aria-invalid={pastTime || undefined}
            autoFocus
          />
          <button type="submit" className={BUTTON}>
            {o.controls.snoozeConfirm}
          </button>
          <button type="button" className={BUTTON} onClick={() => setChoosing(false)}>
            {t.common.cancel}
          </button>
          {pastTime && (
            <span role="alert" className="text-red-700 dark:text-red-400">
              {o.controls.pastTime}
            </span>
          )}
        </form>
      )}
      {change.isPending && <span aria-live="polite">{o.controls.working}</span>}
      {change.isError && (
        <p role="alert" className="w-full text-red-700 dark:text-red-400">
          {o.controls.failed(errorText(change.error, t))}
        </p>
      )}
    </div>
  );
}
