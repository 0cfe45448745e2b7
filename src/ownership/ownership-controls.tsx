import { useId, useState } from 'react';
import type { ThreadStatus } from '../core/protocol/model.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { formatDateTime } from '../i18n/format.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { MenuButton } from '../ui/menu-button.tsx';
import { agentOf, usePersonName } from './people.ts';
import { inAnHour, localInputValue, tomorrowMorning } from './snooze-times.ts';

/** One ownership change, as the bar asks the server for it (CONTRACT §11). */
export type Change =
  | { kind: 'status'; status: ThreadStatus; snoozedUntil?: string }
  | { kind: 'assignee'; assigneeId: string | null }
  | { kind: 'takeover' }
  | { kind: 'handback' };

const BAR = {
  button:
    'rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800',
  select: 'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs dark:border-slate-700 dark:bg-slate-950',
};
/** In the phone's sheet every control is at least 44 px tall (WCAG 2.5.5) and as wide as the sheet. */
const SHEET = {
  button:
    'min-h-11 w-full rounded-md border border-slate-300 px-3 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800',
  select: 'min-h-11 w-full rounded-md border border-slate-300 bg-white px-3 text-sm dark:border-slate-700 dark:bg-slate-950',
};
const RESOLVE = 'border-emerald-600 text-emerald-800 dark:border-emerald-500 dark:text-emerald-200';

interface Props {
  thread: InboundThread;
  pending: boolean;
  onChange(change: Change): void;
  /** The phone's sheet: big targets, one per line, snooze choices as buttons instead of a menu. */
  sheet?: boolean;
  /** Called after a button's change is asked for in the sheet (it closes; a select keeps it open). */
  onDone?(): void;
}

/**
 * The ownership controls: status, assignee, take over / hand back, snooze (with a chosen
 * time) and resolve / reopen. Laid out in a row in the bar, or one per line in the phone's sheet.
 */
export function OwnershipControls({ thread, pending, onChange, sheet = false, onDone }: Props) {
  const { selfSenderId } = useEngine();
  const t = useStrings();
  const o = useOwnershipStrings();
  const name = usePersonName(thread);
  const [choosing, setChoosing] = useState(false);
  const [until, setUntil] = useState('');
  const [pastTime, setPastTime] = useState(false);
  const ids = { status: useId(), assignee: useId(), until: useId(), snooze: useId() };
  const style = sheet ? SHEET : BAR;
  const label = 'text-slate-600 dark:text-slate-400';

  const status = thread.status ?? 'open';
  const agent = agentOf(thread);
  const people = [
    ...new Set([
      selfSenderId,
      ...thread.participants.map((participant) => participant.sender_id).filter((id) => id.startsWith('user:')),
      ...(thread.assignee_id ? [thread.assignee_id] : []),
    ]),
  ];
  /** A button's change: asked for, then the sheet (if any) closes. */
  const act = (next: Change) => {
    onChange(next);
    onDone?.();
  };
  const snoozeAt = (date: Date) => act({ kind: 'status', status: 'snoozed', snoozedUntil: date.toISOString() });
  const chooseTime = () => {
    setUntil(localInputValue(tomorrowMorning(Date.now())));
    setChoosing(true);
  };
  const snoozes = [
    { id: 'hour', label: o.controls.snoozeHour, onSelect: () => snoozeAt(inAnHour(Date.now())) },
    { id: 'morning', label: o.controls.snoozeMorning, onSelect: () => snoozeAt(tomorrowMorning(Date.now())) },
    { id: 'choose', label: o.controls.snoozeChoose, onSelect: chooseTime },
  ];

  return (
    <>
      <label htmlFor={ids.status} className={label}>
        {o.controls.status}
      </label>
      <select
        id={ids.status}
        className={style.select}
        value={status}
        disabled={pending}
        onChange={(event) => onChange({ kind: 'status', status: event.target.value as ThreadStatus })}
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
      <label htmlFor={ids.assignee} className={label}>
        {o.controls.assignee}
      </label>
      <select
        id={ids.assignee}
        className={style.select}
        value={thread.assignee_id ?? ''}
        disabled={pending}
        onChange={(event) => onChange({ kind: 'assignee', assigneeId: event.target.value || null })}
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
        <button type="button" className={style.button} disabled={pending} onClick={() => act({ kind: 'takeover' })}>
          {o.controls.takeOver}
        </button>
      )}
      {agent && thread.agent_paused && (
        <button type="button" className={style.button} disabled={pending} onClick={() => act({ kind: 'handback' })}>
          {o.controls.handBack}
        </button>
      )}
      {sheet ? (
        // A finger gets the snooze choices as buttons: no menu to open inside the sheet.
        <div role="group" aria-labelledby={ids.snooze} className="flex flex-col gap-2">
          <span id={ids.snooze} className={label}>
            {o.controls.snooze}
          </span>
          {snoozes.map((item) => (
            <button key={item.id} type="button" className={style.button} disabled={pending} onClick={item.onSelect}>
              {item.label}
            </button>
          ))}
        </div>
      ) : (
        <MenuButton label={o.controls.snooze} icon={<span className={style.button}>{o.controls.snooze} ▾</span>} items={snoozes} />
      )}
      {status === 'resolved' || status === 'snoozed' ? (
        <button type="button" className={style.button} disabled={pending} onClick={() => act({ kind: 'status', status: 'open' })}>
          {o.controls.reopen}
        </button>
      ) : (
        <button
          type="button"
          className={`${style.button} ${RESOLVE}`}
          disabled={pending}
          onClick={() => act({ kind: 'status', status: 'resolved' })}
        >
          {o.controls.resolve}
        </button>
      )}
      {status === 'snoozed' && thread.snoozed_until && (
        <span className={label}>{o.controls.snoozedUntil(formatDateTime(t.locale, thread.snoozed_until))}</span>
      )}
      {thread.agent_paused && <span className="text-violet-800 dark:text-violet-300">{o.controls.agentPaused}</span>}
      {choosing && (
        <form
          className={sheet ? 'flex flex-col gap-2' : 'flex w-full flex-wrap items-center gap-2'}
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
            className={style.select}
            aria-invalid={pastTime || undefined}
            autoFocus
          />
          <button type="submit" className={style.button}>
            {o.controls.snoozeConfirm}
          </button>
          <button type="button" className={style.button} onClick={() => setChoosing(false)}>
            {t.common.cancel}
          </button>
          {pastTime && (
            <span role="alert" className="text-red-700 dark:text-red-400">
              {o.controls.pastTime}
            </span>
          )}
        </form>
      )}
    </>
  );
}
