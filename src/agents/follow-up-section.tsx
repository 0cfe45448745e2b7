import { SettingsTextField } from './settings-text-field.tsx';
import { SaveStatus } from './save-status.tsx';
import { useId, useState, type FormEvent } from 'react';
import type { InboundAgentSettings } from '../core/protocol/rest-schemas.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import type { AgentSettingsApi } from './agent-queries.ts';
import { HINT, PRIMARY_BUTTON, SECTION, SECTION_TITLE } from './settings-styles.ts';
import { useSaveSettings } from './use-save-settings.ts';

interface Props {
  api: AgentSettingsApi;
  slug: string;
  settings: InboundAgentSettings;
}

type Problem = 'invalid' | 'needed' | null;

/** What the server takes as `website_url` (CONTRACT §12): an absolute http(s) address, no credentials, no fragment. */
export function websiteUrlProblem(text: string, followUp: boolean): Problem {
  const trimmed = text.trim();
  if (!trimmed) return followUp ? 'needed' : null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return 'invalid';
  }
  const ok = (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !trimmed.includes('#');
  return ok ? null : 'invalid';
}

/**
 * Email follow-up for visitors who left (issue 18): the page that embeds the chat, which the
 * email's resume link opens, and whether such emails go out at all.
 */
export function FollowUpSection({ api, slug, settings }: Props) {
  const t = useStrings();
  const save = useSaveSettings(api, slug);
  const [websiteUrl, setWebsiteUrl] = useState(settings.website_url ?? '');
  const [followUp, setFollowUp] = useState(settings.email_follow_up);
  const [problem, setProblem] = useState<Problem>(null);
  const titleId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = websiteUrlProblem(websiteUrl, followUp);
    setProblem(found);
    if (found) return;
    save.mutate({
      allowed_origins: settings.allowed_origins,
      require_verified_identity: settings.require_verified_identity,
      website_url: websiteUrl.trim() || null,
      email_follow_up: followUp,
    });
  };

  return (
    <section aria-labelledby={titleId} className={SECTION}>
      <h3 id={titleId} className={SECTION_TITLE}>
        {t.agents.followUp}
      </h3>
      <p className={HINT}>{t.agents.followUpIntro}</p>
      <form onSubmit={submit} noValidate className="mt-3 space-y-3">
        <SettingsTextField
          label={t.agents.websiteUrl}
          hint={t.agents.websiteUrlHint}
          type="url"
          inputMode="url"
          autoComplete="url"
          value={websiteUrl}
          onChange={setWebsiteUrl}
          problem={problem === 'needed' ? t.agents.websiteUrlNeeded : problem ? t.agents.websiteUrlInvalid : null}
        />
        <label className={`flex items-center gap-2 text-sm ${TOUCH_TARGET}`}>
          <input type="checkbox" checked={followUp} onChange={(event) => setFollowUp(event.target.checked)} className="size-5 shrink-0" />
          {t.agents.followUpOn}
        </label>
        <button type="submit" className={PRIMARY_BUTTON} disabled={save.isPending}>
          {t.agents.saveFollowUp}
        </button>
      </form>
      <SaveStatus save={save} />
    </section>
  );
}
