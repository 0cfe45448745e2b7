import { useStrings } from '../i18n/locale-store.ts';
import { MUTED_TEXT } from './run-styles.ts';

export interface QueuedLineProps {
  agentName: string;
  /** What the run waits behind: an earlier run of its agent that awaits an approval, or one at work. */
  behind: 'approval' | 'run';
}

/**
 * Where a message's run card will be while the run waits its turn (runs of one agent in one
 * thread go one at a time): one plain line, so a message sent while a run awaits an approval
 * is seen to be heard. The run's card takes its place when the run starts.
 */
export function QueuedLine({ agentName, behind }: QueuedLineProps) {
  const t = useStrings();
  return (
    <p role="status" className={`flex items-center gap-2 text-sm ${MUTED_TEXT}`}>
      {/* Still, not pulsing: nothing is at work on it yet. */}
      <span aria-hidden="true" className="size-2 shrink-0 rounded-full bg-slate-400" />
      {behind === 'approval' ? t.runs.queuedBehindApproval(agentName) : t.runs.queuedBehindRun(agentName)}
    </p>
  );
}
