import { useEffect, useState } from 'react';
import type { AttachmentSummary } from '../../src/core/protocol/model.ts';
import type * as FilesUi from './files-ui.tsx';
import type { PanelStrings } from './i18n.ts';
import { Markdown } from './markdown/markdown.tsx';
import { shownName } from './visitor-identity.ts';
import type { LiveActivity, Note, VisitorRow } from './visitor-rows.ts';
import { visitorToolWords } from './visitor-tool-words.ts';

export interface RowContext {
  strings: PanelStrings;
  nameOf(senderId: string | null): string;
  retry(clientMessageId: string): void;
  discard(clientMessageId: string): void;
  /** "Start a new conversation" (under a resolved one). */
  startNew(): void;
  /** "Talk to a person" (under an escalation). */
  requestPerson(): void;
  /** Where the conversation's files are fetched from (files-ui.tsx). */
  files: FilesUi.FileContext;
}

const BUBBLE = 'max-w-[85%] rounded-2xl px-3 py-2 text-sm leading-snug';
export const OWN_BUBBLE = `${BUBBLE} ml-auto rounded-br-md bg-(--accent) text-(--accent-contrast) whitespace-pre-wrap wrap-break-word`;
export const OTHER_BUBBLE = `${BUBBLE} mr-auto rounded-bl-md bg-ama-bubble text-ama-bubble-text`;
const SMALL_BUTTON = 'rounded px-1.5 py-0.5 font-medium underline underline-offset-2 hover:bg-ama-hover';

/** A note in the visitor's words; also what the live region says of it (reply-announcer.tsx). */
export function noteText(note: Note, { strings, nameOf }: Pick<RowContext, 'strings' | 'nameOf'>): string {
  switch (note.type) {
    case 'approval':
      if (note.status === 'approved') return strings.approved;
      if (note.status === 'rejected') return strings.rejected;
      if (note.status === 'expired') return strings.approvalExpired;
      return visitorToolWords(note.tool, strings).checking;
    case 'escalated':
      return strings.escalated;
    case 'joined':
      return strings.joined(shownName(note.name) ?? nameOf(note.senderId));
    case 'reply_failed':
      return strings.replyFailed;
    case 'resolved':
      return strings.resolved;
    case 'waiting':
      return strings.waitingForPerson;
  }
}

function activityText(activity: LiveActivity, { strings, nameOf }: RowContext): string {
  switch (activity.type) {
    case 'thinking':
      return strings.thinking;
    case 'looking_up':
      return visitorToolWords(activity.tool, strings).working;
    case 'waiting_approval':
      return visitorToolWords(activity.tool, strings).checking;
    case 'typing':
      return strings.typing(nameOf(activity.senderId));
    case 'waiting':
      return strings.waitingForPerson;
  }
}

function SenderName({ name, visible }: { name: string; visible: boolean }) {
  // Every message says who wrote it to a screen reader; the eye needs it once per run.
  return <p className={visible ? 'mb-1 ml-1 text-xs font-medium text-ama-muted' : 'sr-only'}>{name}</p>;
}

let filesUi: Promise<typeof FilesUi> | null = null;

/** A message's files: their code comes with the first message that has one (files-ui.tsx), not with the chat. */
function Files({ attachments, own, files }: { attachments: readonly AttachmentSummary[]; own: boolean; files: FilesUi.FileContext }) {
  const [ui, setUi] = useState<typeof FilesUi | null>(null);
  useEffect(() => {
    (filesUi ??= import('./files-ui.tsx')).then(setUi, () => (filesUi = null));
  }, []);
  return ui && <ui.MessageFiles attachments={attachments} own={own} files={files} />;
}

/** One row of the conversation. */
export function MessageRow({ row, context }: { row: VisitorRow; context: RowContext }) {
  const { strings } = context;
  switch (row.kind) {
    case 'message':
      if (row.own) {
        return (
          <div className="flex flex-col">
            <p className="sr-only">{strings.you}</p>
            {(row.content || !row.attachments) && <div className={OWN_BUBBLE}>{row.content}</div>}
            {row.attachments && <Files attachments={row.attachments} own files={context.files} />}
          </div>
        );
      }
      return (
        <div className="flex flex-col">
          <SenderName name={context.nameOf(row.senderId)} visible={row.showSender} />
          {(row.content || !row.attachments) && (
            <div className={OTHER_BUBBLE}>
              <Markdown text={row.content} labels={strings.markdown} />
            </div>
          )}
          {row.attachments && <Files attachments={row.attachments} own={false} files={context.files} />}
        </div>
      );

    case 'streaming':
      return (
        <div className="flex flex-col" aria-busy="true">
          <SenderName name={context.nameOf(row.senderId)} visible={row.showSender} />
          <div className={OTHER_BUBBLE}>
            <Markdown text={row.text} labels={strings.markdown} />
          </div>
        </div>
      );

    case 'pending': {
      const { item } = row;
      const failed = item.status === 'failed';
      const status = failed ? strings.notSent : item.error ? strings.waitingToSend : strings.sending;
      return (
        <div className="flex flex-col items-end">
          <p className="sr-only">{strings.you}</p>
          <div className={`${OWN_BUBBLE} ${failed ? 'opacity-60' : 'opacity-80'}`}>{item.content}</div>
          <p className={`mt-0.5 mr-1 flex items-center gap-1 text-xs ${failed ? 'text-ama-danger' : 'text-ama-muted'}`}>
            <span>{status}</span>
            {failed && (
              <>
                <button type="button" className={SMALL_BUTTON} onClick={() => context.retry(item.clientMessageId)}>
                  {strings.retry}
                </button>
                <button type="button" className={SMALL_BUTTON} onClick={() => context.discard(item.clientMessageId)}>
                  {strings.discard}
                </button>
              </>
            )}
          </p>
        </div>
      );
    }

    case 'note': {
      const { note } = row;
      // What the visitor can do next: start over once resolved, or ask for a person after an escalation.
      const [label, act] =
        note.type === 'resolved' && note.current
          ? [strings.startNew, context.startNew]
          : note.type === 'escalated' && note.offer
            ? [strings.talkToPerson, context.requestPerson]
            : [];
      return (
        <p className={`px-4 text-center text-xs ${note.type === 'reply_failed' ? 'text-ama-danger' : 'text-ama-muted'}`}>
          {noteText(note, context)}
          {act && (
            <button type="button" className={`${SMALL_BUTTON} ml-1 text-ama-text-soft`} onClick={act}>
              {label}
            </button>
          )}
        </p>
      );
    }

    case 'activity':
      return (
        <p className="ml-1 flex items-center gap-2 text-xs text-ama-muted">
          <span aria-hidden="true" className="flex gap-0.5">
            <span className="size-1.5 rounded-full bg-current motion-safe:animate-pulse" />
            <span className="size-1.5 rounded-full bg-current motion-safe:animate-pulse motion-safe:[animation-delay:200ms]" />
            <span className="size-1.5 rounded-full bg-current motion-safe:animate-pulse motion-safe:[animation-delay:400ms]" />
          </span>
          {activityText(row.activity, context)}
        </p>
      );
  }
}
