import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { RunView } from '../core/sync/run-state.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { awaitsApproval } from '../runs/run-format.ts';
import { nameOf } from '../threads/thread-title.ts';

/** "Bob is typing…", "Demo Agent is thinking…", "Bob is viewing": who is here and busy. */
export function TypingLine({
  thread,
  typing,
  present,
  runs,
}: {
  thread: InboundThread | undefined;
  typing: readonly string[];
  present: readonly string[];
  runs: readonly RunView[];
}) {
  const t = useStrings();
  // An agent whose run waits on an approval is not typing or thinking: it waits on a person.
  const waiting = new Set(runs.filter((run) => !run.finished && awaitsApproval(run)).map((run) => run.agentId ?? ''));
  const thinking = runs.filter(
    (run) =>
      !run.finished &&
      !waiting.has(run.agentId ?? '') &&
      (run.status === 'queued' || run.status === 'deciding' || run.status === 'running'),
  );
  const thinkers = new Set(thinking.map((run) => run.agentId ?? ''));
  const typists = typing
    .filter((senderId) => !thinkers.has(senderId) && !waiting.has(senderId))
    .map((senderId) => nameOf(thread, senderId, t));
  const parts: string[] = [];
  if (waiting.size) parts.push(t.thread.awaitingApproval([...waiting].map((id) => nameOf(thread, id, t))));
  if (typists.length) parts.push(t.thread.typing(typists));
  if (thinking.length) parts.push(t.thread.thinking([...thinkers].map((id) => nameOf(thread, id, t))));
  const viewers = present.map((senderId) => nameOf(thread, senderId, t));
  if (!parts.length && viewers.length) parts.push(t.thread.viewingNow(viewers));
  return (
    <p className="h-5 px-4 text-xs text-slate-600 italic dark:text-slate-400" aria-live="off">
      {parts.join(' · ')}
    </p>
  );
}
