import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AgentSettingsInput } from '../core/api/inbox-api.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { errorText } from '../i18n/error-text.ts';
import { agentKeys, type AgentSettingsApi } from './agent-queries.ts';

/**
 * Saves an agent's settings (both fields, as `PUT` requires) and puts the server's answer
 * (origins normalized) in the cache. Each section has its own, so each says its own
 * "Saved" or "Could not save".
 */
export function useSaveSettings(api: AgentSettingsApi, slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AgentSettingsInput) => api.updateAgentSettings(slug, input),
    onSuccess: (saved) => queryClient.setQueryData(agentKeys.settings(slug), saved),
  });
}

/** The words of a save's state for an `aria-live` line. */
export function saveStatusText(
  save: { isPending: boolean; isSuccess: boolean; isError: boolean; error: Error | null },
  t: InboxStrings,
): string {
  if (save.isPending) return t.agents.saving;
  if (save.isError) return t.agents.saveFailed(save.error ? errorText(save.error, t) : null);
  if (save.isSuccess) return t.agents.saved;
  return '';
}
