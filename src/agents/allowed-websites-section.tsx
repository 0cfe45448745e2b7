import { SaveStatus } from './save-status.tsx';
import { useId, useState, type FormEvent } from 'react';
import type { InboundAgentSettings } from '../core/protocol/rest-schemas.ts';
import { useStrings } from '../i18n/locale-store.ts';
import type { AgentSettingsApi } from './agent-queries.ts';
import { ERROR_TEXT, HINT, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, SECTION, SECTION_TITLE } from './settings-styles.ts';
import { useSaveSettings } from './use-save-settings.ts';
import { checkWebsiteOrigin } from './website-origin.ts';

interface Props {
  api: AgentSettingsApi;
  slug: string;
  settings: InboundAgentSettings;
}

/** The websites allowed to open this agent's chat; an empty list means any website. Saved on each change. */
export function AllowedWebsitesSection({ api, slug, settings }: Props) {
  const t = useStrings();
  const save = useSaveSettings(api, slug);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const titleId = useId();
  const inputId = useId();
  const problemId = useId();
  const origins = settings.allowed_origins;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const check = checkWebsiteOrigin(draft, origins, t);
    if (!check.ok) {
      setProblem(check.message);
      return;
    }
    setProblem(null);
    save.mutate(
      { allowed_origins: [...origins, check.origin], require_verified_identity: settings.require_verified_identity },
      // The typed text stays until the server has it, so a failed save loses nothing.
      { onSuccess: () => setDraft('') },
    );
  };

  const remove = (origin: string) =>
    save.mutate({
      allowed_origins: origins.filter((item) => item !== origin),
      require_verified_identity: settings.require_verified_identity,
    });

  return (
    <section aria-labelledby={titleId} className={SECTION}>
      <h3 id={titleId} className={SECTION_TITLE}>
        {t.agents.websites}
      </h3>
      <p className={HINT}>{t.agents.websitesIntro}</p>
      {origins.length === 0 ? (
        <p className="mt-3 rounded-md bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800" data-testid="origins-empty">
          {t.agents.websitesEmptyBefore}
          <strong>{t.agents.websitesEmptyStrong}</strong>
          {t.agents.websitesEmptyAfter}
        </p>
      ) : (
        <ul
          className="mt-3 divide-y divide-slate-200 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
          aria-label={t.agents.websites}
        >
          {origins.map((origin) => (
            <li key={origin} className="flex items-center justify-between gap-2 px-3 py-2 text-sm">
              <span className="min-w-0 truncate font-mono">{origin}</span>
              <button
                type="button"
                className={SECONDARY_BUTTON}
                disabled={save.isPending}
                onClick={() => remove(origin)}
                aria-label={t.agents.removeOrigin(origin)}
              >
                {t.agents.remove}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="mt-3" noValidate>
        <label htmlFor={inputId} className="block text-sm font-medium">
          {t.agents.websiteAddress}
        </label>
        <p className={HINT} id={`${inputId}-hint`}>
          {t.agents.websiteHint}
        </p>
        <div className="mt-1 flex flex-col gap-2 sm:flex-row">
          <input
            id={inputId}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://shop.example.com"
            value={draft}
            onChange={(event) => {
              setDraft(event.target.value);
              setProblem(null);
            }}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${inputId}-hint ${problemId}` : `${inputId}-hint`}
            className={INPUT}
          />
          <button type="submit" className={`${PRIMARY_BUTTON} shrink-0`} disabled={save.isPending}>
            {t.agents.addWebsite}
          </button>
        </div>
        {problem && (
          <p id={problemId} className={`mt-1 ${ERROR_TEXT}`}>
            {problem}
          </p>
        )}
      </form>
      <SaveStatus save={save} testId="origins-status" />
    </section>
  );
}
