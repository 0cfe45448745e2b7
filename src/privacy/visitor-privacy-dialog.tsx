import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useRef } from 'react';
import { DANGER_BUTTON, ERROR_TEXT, HINT, OK_TEXT, PRIMARY_BUTTON, SECONDARY_BUTTON } from '../agents/settings-styles.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { ModalDialog } from '../ui/modal-dialog.tsx';
import { downloadJson } from './download-json.ts';
import { usePrivacyApi } from './use-privacy-api.ts';

interface Props {
  mode: 'export' | 'erase';
  threadId: string;
  agentSlug: string;
  /** The visitor as the thread shows them to the operator (name and email as typed; labels, not proof). */
  shown: { name: string | null; email: string | null };
  onClose(): void;
}

/** The export's file name: the visitor's id (never their email: file names end up in logs and histories). */
export const exportFileName = (visitorId: string) => `visitor-${visitorId}.json`;

/**
 * Exporting or erasing a public thread's visitor, for owners of its agent (CONTRACT §14). The
 * visitor is found by the thread (`GET /agents/{slug}/visitors?thread_id=`); an export downloads
 * the JSON document through a `blob:` URL; an erasure is confirmed first, naming who goes, how
 * many conversations, and that it cannot be undone. After an erasure the server's
 * `thread_deleted` reaches every open inbox; this one is told at once too.
 */
export function VisitorPrivacyDialog({ mode, threadId, agentSlug, shown, onClose }: Props) {
  const t = useStrings();
  const p = usePrivacyStrings();
  const api = usePrivacyApi();
  const { engine } = useEngine();
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const visitor = useQuery({
    queryKey: ['privacy', agentSlug, 'visitor-of', threadId],
    queryFn: ({ signal }) => api.visitorOfThread(agentSlug, threadId, signal),
    staleTime: 0,
    gcTime: 0,
  });
  const exporting = useMutation({
    mutationFn: async (visitorId: string) => {
      const document = await api.exportVisitor(agentSlug, visitorId);
      const name = exportFileName(visitorId);
      downloadJson(document, name);
      return name;
    },
  });
  const erasing = useMutation({
    mutationFn: (visitorId: string) => api.eraseVisitor(agentSlug, visitorId),
    onSuccess: (_, visitorId) => {
      // Its threads are gone here now; the socket's thread_deleted tells the other inboxes.
      for (const id of visitor.data?.id === visitorId ? visitor.data.thread_ids : [threadId]) engine.threadDeleted(id);
      onClose();
    },
  });
  const busy = exporting.isPending || erasing.isPending;
  const found = visitor.data;
  const who = p.visitorLabel(found?.name ?? shown.name, found?.email ?? shown.email);

  let body: React.ReactNode;
  if (visitor.isPending)
    body = (
      <p className={HINT} aria-busy="true">
        {p.findingVisitor}
      </p>
    );
  else if (visitor.isError)
    body = (
      <p role="alert" className={ERROR_TEXT}>
        {p.findFailed(errorText(visitor.error, t))}
      </p>
    );
  else if (!found)
    body = (
      <p role="alert" className={ERROR_TEXT}>
        {p.visitorNotFound}
      </p>
    );
  else if (mode === 'erase')
    body = (
      <>
        <p className="mt-2 text-sm">{p.eraseSummary(who, Math.max(1, found.thread_ids.length))}</p>
        <p className={`${HINT} font-medium`}>{p.eraseWarning}</p>
      </>
    );
  else body = <p className="mt-2 text-sm">{who}</p>;

  return (
    <ModalDialog focusFirst={() => cancel.current} onClose={onClose} busy={busy} aria-labelledby={titleId}>
      <h3 id={titleId} className="text-lg font-semibold">
        {mode === 'erase' ? p.eraseTitle : p.exportVisitor}
      </h3>
      {body}
      <p aria-live="polite" className={`mt-2 min-h-5 ${OK_TEXT}`}>
        {exporting.isPending ? p.exporting : exporting.isSuccess ? p.exported(exporting.data) : erasing.isPending ? p.erasing : ''}
      </p>
      {exporting.isError && (
        <p role="alert" className={ERROR_TEXT}>
          {p.exportFailed(errorText(exporting.error, t))}
        </p>
      )}
      {erasing.isError && (
        <p role="alert" className={ERROR_TEXT}>
          {p.eraseFailed(errorText(erasing.error, t))}
        </p>
      )}
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        <button ref={cancel} type="button" className={`${SECONDARY_BUTTON} ${TOUCH_TARGET}`} disabled={busy} onClick={onClose}>
          {p.cancel}
        </button>
        {found && mode === 'export' && (
          <button
            type="button"
            className={`${PRIMARY_BUTTON} ${TOUCH_TARGET}`}
            disabled={busy}
            aria-busy={exporting.isPending}
            onClick={() => exporting.mutate(found.id)}
          >
            {exporting.isPending ? p.exporting : p.exportVisitor}
          </button>
        )}
        {found && mode === 'erase' && (
          <button
            type="button"
            className={`${DANGER_BUTTON} ${TOUCH_TARGET}`}
            disabled={busy}
            aria-busy={erasing.isPending}
            onClick={() => erasing.mutate(found.id)}
          >
            {erasing.isPending ? p.erasing : p.confirmErase}
          </button>
        )}
      </div>
    </ModalDialog>
  );
}
