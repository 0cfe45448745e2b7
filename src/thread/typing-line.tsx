import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { RunView } from '../core/sync/run-state.ts';
import { nameOf } from '../threads/thread-title.ts';

const list = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

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
  const thinking = runs.filter(
    (run) => !run.finished && (run.status === 'queued' || run.status === 'deciding' || run.status === 'running'),
  );
  const thinkers = new Set(thinking.map((run) => run.agentId ?? ''));
  const typists = typing.filter((senderId) => !thinkers.has(senderId)).map((senderId) => nameOf(thread, senderId));
  const parts: string[] = [];
  if (typists.length) parts.push(`${list(typists)} ${typists.length === 1 ? 'is' : 'are'} typing…`);
  if (thinking.length) parts.push(`${list([...thinkers].map((id) => nameOf(thread, id)))} ${thinkers.size === 1 ? 'is' : 'are'} thinking…`);
  const viewers = present.map((senderId) => nameOf(thread, senderId));
  if (!parts.length && viewers.length) parts.push(`${list(viewers)} ${viewers.length === 1 ? 'is' : 'are'} viewing`);
  return (
    <p className="h-5 px-4 text-xs text-slate-600 italic dark:text-slate-400" aria-live="off">
      {parts.join(' · ')}
    </p>
  );
}
