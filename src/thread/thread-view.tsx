import { useCallback, useEffect, useMemo, useState } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { Composer } from '../composer/composer.tsx';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { useStrings } from '../i18n/locale-store.ts';
import { useMarkRead } from '../read/use-mark-read.ts';
import { retryRun } from '../runs/run-retries.ts';
import { buildRows } from './build-rows.ts';
import { FrameGate } from './frame-gate.ts';
import { MessageList } from './message-list.tsx';
import type { RowActions } from './message-row.tsx';
import { ReplyAnnouncer } from './reply-announcer.tsx';
import { OwnershipBar } from '../ownership/ownership-bar.tsx';
import { useJumpTarget } from '../search/jump-target.ts';
import { useOwnedAgent } from '../privacy/use-owned-agent.ts';
import { DeletedThread } from '../privacy/deleted-thread.tsx';
import { ThreadHeader } from './thread-header.tsx';
import { TypingLine } from './typing-line.tsx';
import { useGatedThreadSnapshot } from './use-gated-thread-snapshot.ts';

/** One open thread: header, the live message list, who is typing, and the composer. */
export function ThreadView({ threadId, thread }: { threadId: string; thread: InboundThread | undefined }) {
  const { engine, api, selfSenderId } = useEngine();
  const t = useStrings();
  // While an agent run is under way or a reply streams, the thread's changes render once per frame (see FrameGate).
  const [gate] = useState(() => new FrameGate(() => engine.getThreadSnapshot(threadId).runs.some((run) => !run.finished)));
  const snapshot = useGatedThreadSnapshot(engine, threadId, gate);
  const [atBottom, setAtBottom] = useState(true);
  // What was unread when the thread was opened (kept while it stays open), for the unread divider.
  const atOpen = (known: typeof thread) => (known ? { readSeq: known.read_seq, lastSeq: known.last_seq ?? known.read_seq } : null);
  const [unreadAtOpen, setUnreadAtOpen] = useState(() => atOpen(thread));
  if (unreadAtOpen === null && thread) setUnreadAtOpen(atOpen(thread));

  useEffect(() => {
    // Opened from a search result: the window around its message is the first and only read.
    const target = useJumpTarget.getState().target;
    void engine.openThread(threadId, target?.threadId === threadId ? target.seq : null);
    return () => engine.closeThread(threadId);
  }, [engine, threadId]);

  const [openedAt] = useState(() => Date.now());
  const rows = useMemo(
    () => buildRows({ items: snapshot.items, unreadAtOpen, selfSenderId, now: openedAt }),
    [snapshot.items, unreadAtOpen, selfSenderId, openedAt],
  );

  // An owner of a visitor thread's agent may delete any of its messages (CONTRACT §14).
  const ownsAgent = useOwnedAgent(thread) !== undefined;
  const actions = useMemo<RowActions>(
    () => ({
      retry: (id) => engine.retry(id),
      discard: (id) => engine.discard(id),
      edit: (id, content) => void engine.edit(id, content),
      decide: async (approvalId, decision) => {
        await api.decideApproval(threadId, approvalId, decision);
      },
      retryRun: (runId) =>
        void retryRun(
          (id) => api.retryRun(threadId, id),
          runId,
          () => navigator.onLine !== false,
        ),
      mayDelete: (senderId) => senderId === selfSenderId || ownsAgent,
    }),
    [api, engine, threadId, selfSenderId, ownsAgent],
  );

  const loadOlder = useCallback(() => void engine.loadOlder(threadId), [engine, threadId]);
  const loadNewer = useCallback(() => void engine.loadNewer(threadId), [engine, threadId]);
  const jumpToLatest = useCallback(() => void engine.jumpToLatest(threadId), [engine, threadId]);
  const jumpSeq = useJumpTarget((state) => (state.target?.threadId === threadId ? state.target.seq : null));
  const clearJump = useJumpTarget((state) => state.clear);
  // A result in the thread already open: its window, unless the one on screen holds it.
  useEffect(() => {
    if (jumpSeq !== null) void engine.showSeq(threadId, jumpSeq);
  }, [engine, threadId, jumpSeq]);

  useMarkRead(threadId, snapshot.health.appliedSeq, atBottom, thread?.read_seq ?? 0);

  // Erased (by an owner, the visitor, or retention): say so in words, and offer the way on.
  if (snapshot.deleted) return <DeletedThread />;

  return (
    <section aria-label={t.thread.conversation} className="flex h-full min-h-0 flex-col">
      <ThreadHeader thread={thread} threadId={threadId} health={snapshot.health} present={snapshot.present} />
      {thread?.status !== undefined && <OwnershipBar thread={thread} />}
      <MessageList
        rows={rows}
        gate={gate}
        thread={thread}
        selfSenderId={selfSenderId}
        actions={actions}
        hasOlder={snapshot.hasOlder}
        loadingOlder={snapshot.loadingOlder}
        loaded={snapshot.loaded}
        onLoadOlder={loadOlder}
        hasNewer={snapshot.hasNewer}
        onLoadNewer={loadNewer}
        onJumpToLatest={jumpToLatest}
        onAtBottomChange={setAtBottom}
        jumpSeq={jumpSeq}
        onJumped={clearJump}
      />
      <TypingLine thread={thread} typing={snapshot.typing} present={snapshot.present} runs={snapshot.runs} />
      <Composer threadId={threadId} thread={thread} />
      <ReplyAnnouncer
        items={snapshot.items}
        // Pages read towards the live end from a search result are history, not news.
        loaded={snapshot.loaded && snapshot.health.status === 'synced' && !snapshot.hasNewer}
        thread={thread}
        selfSenderId={selfSenderId}
      />
    </section>
  );
}
