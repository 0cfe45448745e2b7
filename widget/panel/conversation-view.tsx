import type { FileContext } from './files-ui.tsx';
import { useCallback, useMemo, type ReactNode } from 'react';
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import { useConnectionState } from '../../src/hooks/use-connection-state.ts';
import { useThreadSnapshot } from '../../src/hooks/use-thread-snapshot.ts';
import type { NoticeItem } from '../../src/core/timeline/timeline-item.ts';
import { Composer, type ComposerTarget } from './composer.tsx';
import { noticeFor, type NoticeAction } from './connection-notice.ts';
import type { PanelStrings } from './i18n.ts';
import { MessageList } from './message-list.tsx';
import { noteText, type RowContext } from './message-row.tsx';
import { ReplyAnnouncer } from './reply-announcer.tsx';
import { StatusLine } from './status-line.tsx';
import { useClock } from './use-clock.ts';
import { participantNames, senderName } from './visitor-identity.ts';
import { buildVisitorRows, ownershipNote } from './visitor-rows.ts';
import type { ServerNotice } from './visitor-session.ts';

interface Props {
  engine: SyncEngine;
  threadId: string;
  selfSenderId: string;
  hiddenThroughSeq: number;
  notice: ServerNotice | null;
  agentName: string | null;
  /** The panel is shown. */
  open: boolean;
  strings: PanelStrings;
  /** "Start a new conversation": the thread turned out to be gone, or it was resolved. */
  onStartNew(): void;
  /** "Talk to a person" (under an escalation). */
  onRequestPerson(): void;
  onError(error: unknown): void;
  /** The greeting, above the first message. */
  lead: ReactNode;
  /** The inline email offer, above the composer. */
  offer: ReactNode;
  /** Where the conversation's files come from, but its thread (files-ui.tsx). */
  files: Omit<FileContext, 'threadId'>;
  /** The agent's `attachments` settings (its profile), for the composer. */
  attach?: unknown;
  lang?: string;
  /** The typed text, kept for the composer that follows this one (composer.tsx). */
  draft: (text?: string) => string;
  /** The first message's files a reload lost (SessionState `firstLost`): said above the composer until the visitor sends. */
  lost: readonly string[] | null;
  onSent(): void;
}

/** The live conversation: messages, what the agent is doing, what is wrong, and the composer. */
export function ConversationView({
  engine,
  threadId,
  selfSenderId,
  hiddenThroughSeq,
  notice,
  agentName,
  open,
  strings,
  onStartNew,
  onRequestPerson,
  onError,
  lead,
  offer,
  files,
  attach,
  lang,
  draft,
  lost,
  onSent,
}: Props) {
  const snapshot = useThreadSnapshot(engine, threadId);
  const connection = useConnectionState(engine);

  const rows = useMemo(
    () => buildVisitorRows({ items: snapshot.items, runs: snapshot.runs, typing: snapshot.typing, selfSenderId, hiddenThroughSeq }),
    [snapshot.items, snapshot.runs, snapshot.typing, selfSenderId, hiddenThroughSeq],
  );
  const names = useMemo(() => participantNames(snapshot.items), [snapshot.items]);
  const nameOf = useCallback((senderId: string | null) => senderName(senderId, names, agentName, strings), [names, agentName, strings]);

  const noticeText = useCallback(
    (item: NoticeItem) => {
      const note = ownershipNote(item.entry.body);
      return note && noteText(note, { strings, nameOf });
    },
    [strings, nameOf],
  );

  const pending = useMemo(() => snapshot.items.flatMap((item) => (item.kind === 'pending_message' ? [item.item] : [])), [snapshot.items]);
  // The clock runs only while something on screen counts down.
  const counting =
    connection.status === 'reconnecting' ||
    notice !== null ||
    pending.some((item) => item.error?.code === 'rate_limited' && item.status === 'queued');
  const now = useClock(counting);
  const status = noticeFor({ connection, notice, pending, historyFailed: snapshot.health.status === 'failed', now, strings });

  const context = useMemo<RowContext>(
    () => ({
      strings,
      nameOf,
      retry: (id) => engine.retry(id),
      discard: (id) => engine.discard(id),
      startNew: onStartNew,
      requestPerson: onRequestPerson,
      files: { ...files, threadId },
    }),
    // (The files' context is the panel's for its life: its token is read at each fetch.)
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [strings, nameOf, engine, onStartNew, onRequestPerson, threadId],
  );

  // Typing or sending wakes a connection paused after idling.
  const wake = () => {
    if (connection.status === 'paused') engine.retryConnection();
  };
  const target: ComposerTarget = {
    send: (text, files) => {
      wake();
      // The outbox keeps the message (and its files) until the server has it, offline or not.
      engine.send(threadId, text, [], files).catch(onError);
      onSent();
    },
    input: (value) => {
      wake();
      if (value) engine.startComposing(threadId);
      else engine.stopComposing(threadId);
      engine.setTyping(threadId, value.length > 0);
    },
    blur: () => engine.setTyping(threadId, false),
  };

  const onAction = (action: NoticeAction) => {
    if (action === 'start_new') onStartNew();
    else if (action === 'reload_history') engine.openThread(threadId).catch(onError);
    else engine.retryConnection();
  };

  return (
    <>
      <MessageList
        rows={rows}
        context={context}
        hasOlder={snapshot.hasOlder}
        loadingOlder={snapshot.loadingOlder}
        onLoadOlder={() => void engine.loadOlder(threadId).catch(onError)}
        label={strings.conversation}
        open={open}
        lead={lead}
      />
      <StatusLine notice={status} strings={strings} onAction={onAction}>
        {lost?.length ? <p className="px-3 pt-2 text-xs font-medium text-ama-warn-text">{strings.filesNotKept(lost.join(', '))}</p> : null}
      </StatusLine>
      {offer}
      {/* Once a reload lost the first message's files, a new composer starts with its text (the draft). */}
      <Composer
        key={lost ? 1 : 0}
        target={target}
        strings={strings}
        disabled={connection.status === 'failed' && status?.kind === 'gone'}
        attach={attach}
        lang={lang}
        engine={engine}
        threadId={threadId}
        draft={draft}
      />
      <ReplyAnnouncer
        items={snapshot.items}
        loaded={snapshot.loaded && snapshot.health.status === 'synced'}
        selfSenderId={selfSenderId}
        nameOf={nameOf}
        strings={strings}
        noticeText={noticeText}
      />
    </>
  );
}
