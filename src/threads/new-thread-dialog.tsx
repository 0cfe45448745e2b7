import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ParticipationMode } from '../core/protocol/model.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { agentsQuery, threadKeys, usersQuery } from './thread-queries.ts';

interface Props {
  open: boolean;
  onClose(): void;
  onCreated(threadId: string): void;
}

/** Starts a thread with people and agents, a title, a mode and an optional first message. */
export function NewThreadDialog({ open, onClose, onCreated }: Props) {
  const { api, user } = useEngine();
  const queryClient = useQueryClient();
  const t = useStrings();
  const dialog = useRef<HTMLDialogElement>(null);
  const users = useQuery({ ...usersQuery(api), enabled: open });
  const agents = useQuery({ ...agentsQuery(api), enabled: open });
  const [people, setPeople] = useState<string[]>([]);
  const [agentIds, setAgentIds] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [mode, setMode] = useState<ParticipationMode>('open');
  const [first, setFirst] = useState('');

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  const create = useMutation({
    mutationFn: () =>
      api.createThread({
        target_user_ids: people,
        agent_ids: agentIds,
        title: title.trim() || null,
        participation_mode: mode,
        ...(first.trim() ? { initial_message: first } : {}),
      }),
    onSuccess: (thread) => {
      void queryClient.invalidateQueries({ queryKey: threadKeys.all });
      setPeople([]);
      setAgentIds([]);
      setTitle('');
      setFirst('');
      onCreated(thread.id);
    },
  });

  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((item) => item !== id) : [...list, id]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const others = (users.data ?? []).filter((candidate) => candidate.id !== user.id);

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby="new-thread-title"
      className="m-auto w-full max-w-md rounded-xl bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100"
    >
      <form onSubmit={submit} className="space-y-4 p-5">
        <h2 id="new-thread-title" className="text-lg font-semibold">
          {t.newThread.title}
        </h2>
        <label className="block text-sm font-medium">
          {t.newThread.titleField}
          <input
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            maxLength={200}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 dark:border-slate-700 dark:bg-slate-950"
          />
        </label>
        <fieldset>
          <legend className="text-sm font-medium">{t.newThread.people}</legend>
          {users.isPending ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">{t.common.loading}</p>
          ) : others.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">{t.newThread.nobodyElse}</p>
          ) : (
            others.map((candidate) => (
              <label key={candidate.id} className="mt-1 flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={people.includes(candidate.id)}
                  onChange={() => setPeople((list) => toggle(list, candidate.id))}
                />
                {candidate.name} <span className="text-slate-600 dark:text-slate-400">{candidate.email}</span>
              </label>
            ))
          )}
        </fieldset>
        <fieldset>
          <legend className="text-sm font-medium">{t.newThread.agents}</legend>
          {(agents.data ?? []).map((agent) => (
            <label key={agent.id} className="mt-1 flex items-center gap-2 text-sm">
              <input type="checkbox" checked={agentIds.includes(agent.id)} onChange={() => setAgentIds((list) => toggle(list, agent.id))} />
              {agent.name}
            </label>
          ))}
        </fieldset>
        <label className="block text-sm font-medium">
          {t.newThread.agentsAnswer}
          <select
            value={mode}
            onChange={(event) => setMode(event.target.value as ParticipationMode)}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950"
          >
            <option value="open">{t.newThread.modeOpen}</option>
            <option value="invocation_only">{t.newThread.modeMentioned}</option>
          </select>
        </label>
        <label className="block text-sm font-medium">
          {t.newThread.firstMessage}
          <textarea
            value={first}
            onChange={(event) => setFirst(event.target.value)}
            rows={2}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 dark:border-slate-700 dark:bg-slate-950"
          />
        </label>
        {create.isError && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {t.newThread.createFailed(errorText(create.error, t))}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded-md px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
            {t.common.cancel}
          </button>
          <button
            type="submit"
            disabled={create.isPending || (people.length === 0 && agentIds.length === 0)}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
          >
            {create.isPending ? t.newThread.creating : t.newThread.create}
          </button>
        </div>
      </form>
    </dialog>
  );
}
