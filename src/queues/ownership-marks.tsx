import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { usePersonName } from '../ownership/people.ts';
import { useNow } from '../runs/use-now.ts';
import { formatWaiting } from './waiting-time.ts';

const BADGE = 'shrink-0 rounded px-1.5 text-xs font-medium';
const TONES: Record<string, string> = {
  waiting: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
  snoozed: 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  resolved: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
};

/**
 * A thread's ownership in the list: its status (with how long it has waited), its assignee and
 * whether the agent is paused. Nothing for a server without ownership, or an open, unassigned thread.
 */
export function OwnershipMarks({ thread }: { thread: InboundThread }) {
  const o = useOwnershipStrings();
  const { locale } = useStrings();
  const name = usePersonName(thread);
  const waiting = thread.status === 'waiting';
  const now = useNow(waiting);
  const since = waiting && thread.waiting_since ? Date.parse(thread.waiting_since) : NaN;
  const status = thread.status && thread.status !== 'open' ? (o.status[thread.status] ?? thread.status) : null;
  if (!status && !thread.assignee_id && !thread.agent_paused) return null;
  return (
    <span className="flex min-w-0 flex-wrap items-center gap-1.5" data-testid="ownership-marks">
      {status && (
        <span className={`${BADGE} ${TONES[thread.status!] ?? TONES.snoozed}`}>
          {waiting && !Number.isNaN(since) ? o.list.waitingFor(formatWaiting(locale, now - since)) : status}
        </span>
      )}
      {thread.assignee_id && (
        <span className="min-w-0 truncate text-xs text-slate-700 dark:text-slate-300">{o.list.assignedTo(name(thread.assignee_id))}</span>
      )}
      {thread.agent_paused && (
        <span className={`${BADGE} bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-100`}>{o.list.agentPaused}</span>
      )}
    </span>
  );
}
