import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { ERROR_TEXT, formatWhen, HINT, OK_TEXT, SECONDARY_BUTTON } from '../agents/settings-styles.ts';
import type { Participant } from '../core/protocol/model.ts';
import type { InboxApi } from '../core/api/inbox-api.ts';
import type { ListedWebhook } from '../core/protocol/rest-schemas.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { ModalDialog } from '../ui/modal-dialog.tsx';

/** The query key of a thread's webhooks. */
export const threadWebhooksKey = (threadId: string) => ['thread', threadId, 'webhooks'] as const;

/** The calls the dialog makes. */
export type WebhooksApi = Pick<InboxApi, 'listWebhooks' | 'removeWebhook'>;

interface Props {
  api: WebhooksApi;
  threadId: string;
  /** The thread's participants, to name who added each webhook. */
  participants: readonly Participant[];
  onClose(): void;
}

function statusText(hook: ListedWebhook, t: InboxStrings): string {
  if (hook.active) return t.webhooks.on;
  return t.webhooks.off((hook.inactive_reason && t.webhooks.reasons[hook.inactive_reason]) || t.webhooks.unknownReason);
}

/**
 * The thread's webhooks (loaded on demand from the thread menu): where its events go, on or
 * off and why, and a Delete button on each, for anyone taking part. A modal dialog: focus
 * stays inside, Esc or Close ends it and focus goes back to the menu button.
 */
export function WebhooksDialog({ api, threadId, participants, onClose }: Props) {
  const t = useStrings();
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const [announcement, setAnnouncement] = useState('');
  const webhooks = useQuery({
    queryKey: threadWebhooksKey(threadId),
    queryFn: ({ signal }) => api.listWebhooks(threadId, signal),
  });
  const remove = useMutation({
    mutationFn: (hook: ListedWebhook) => api.removeWebhook(threadId, hook.subscription_id),
    onSuccess: (_, hook) => {
      queryClient.setQueryData(threadWebhooksKey(threadId), (list: ListedWebhook[] | undefined) =>
        list?.filter((item) => item.subscription_id !== hook.subscription_id),
      );
      setAnnouncement(t.webhooks.deleted(hook.callback_url));
      // Its row is gone: focus goes to the heading, not to nothing.
      heading.current?.focus();
      void queryClient.invalidateQueries({ queryKey: threadWebhooksKey(threadId) });
    },
  });

  const nameOf = (senderId: string) => participants.find((participant) => participant.sender_id === senderId)?.name ?? t.webhooks.someone;

  return (
    <ModalDialog
      focusFirst={() => heading.current}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100"
    >
      <h3 id={titleId} ref={heading} tabIndex={-1} className="text-lg font-semibold outline-none">
        {t.webhooks.title}
      </h3>
      <p className={HINT}>{t.webhooks.intro}</p>
      <p aria-live="polite" className={`mt-2 min-h-5 ${OK_TEXT}`}>
        {announcement}
      </p>
      {webhooks.isPending ? (
        <p className={HINT} aria-busy="true">
          {t.webhooks.loading}
        </p>
      ) : webhooks.isError ? (
        <p role="alert" className={ERROR_TEXT}>
          {t.webhooks.loadFailed(errorText(webhooks.error, t))}
        </p>
      ) : webhooks.data.length === 0 ? (
        <p className="rounded-md bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800">{t.webhooks.none}</p>
      ) : (
        <ul
          aria-label={t.webhooks.title}
          className="max-h-80 divide-y divide-slate-200 overflow-y-auto rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
        >
          {webhooks.data.map((hook) => (
            <li key={hook.subscription_id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
              <span className="min-w-0">
                <code className="block font-mono font-medium break-all">{hook.callback_url}</code>
                <span
                  className={`block text-xs ${hook.active ? 'text-emerald-700 dark:text-emerald-400' : 'text-amber-800 dark:text-amber-300'}`}
                >
                  {statusText(hook, t)}
                </span>
                <span className="block text-xs text-slate-600 dark:text-slate-400">
                  {t.webhooks.createdBy(nameOf(hook.created_by), formatWhen(hook.created_at, t))}
                </span>
              </span>
              <button
                type="button"
                className={SECONDARY_BUTTON}
                disabled={remove.isPending}
                aria-label={t.webhooks.deleteLabel(hook.callback_url)}
                onClick={() => remove.mutate(hook)}
              >
                {remove.isPending && remove.variables?.subscription_id === hook.subscription_id ? t.webhooks.deleting : t.webhooks.delete}
              </button>
            </li>
          ))}
        </ul>
      )}
      {remove.isError && (
        <p role="alert" className={`mt-2 ${ERROR_TEXT}`}>
          {t.webhooks.deleteFailed(errorText(remove.error, t))}
        </p>
      )}
      <div className="mt-4 flex justify-end">
        <button type="button" className={SECONDARY_BUTTON} onClick={onClose}>
          {t.webhooks.close}
        </button>
      </div>
    </ModalDialog>
  );
}
