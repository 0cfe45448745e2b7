import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { ERROR_TEXT, HINT, INPUT, OK_TEXT, PRIMARY_BUTTON, SECTION, SECTION_TITLE } from '../agents/settings-styles.ts';
import type { NotificationSettingsApi } from '../core/api/notification-settings-api.ts';
import { NOTIFICATION_CHANNELS, NOTIFICATION_KINDS, type NotificationSettings } from '../core/protocol/notifications.ts';
import { errorText } from '../i18n/error-text.ts';
import { useActiveLanguage, useStrings } from '../i18n/locale-store.ts';
import { useNotifySettingsStrings } from '../i18n/notify-settings-strings.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { notificationSettingsKey } from './notification-settings-queries.ts';
import {
  draftOf,
  draftProblems,
  MAX_EMAIL_DELAY_MINUTES,
  settingsOf,
  timeZones,
  withChannel,
  type DraftProblem,
  type SettingsDraft,
} from './settings-draft.ts';

interface Props {
  api: NotificationSettingsApi;
  /** What the server has; the form starts from it once and keeps the user's edits from then on. */
  settings: NotificationSettings;
}

// A checkbox a finger can hit on a phone (the 44 px rule), ordinary size with a mouse.
const CHECKBOX = `h-5 w-5 accent-indigo-600 ${TOUCH_TARGET}`;

/**
 * Which channels each kind of notification uses, the email delay and quiet hours: one form,
 * saved whole (`PUT` takes all of it), in the inbox's language. A failed save keeps every edit.
 */
export function SettingsForm({ api, settings }: Props) {
  const t = useStrings();
  const s = useNotifySettingsStrings();
  const language = useActiveLanguage((state) => state.language);
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<SettingsDraft>(() => draftOf(settings));
  const [shownProblems, setShownProblems] = useState<DraftProblem[]>([]);
  const zones = useMemo(() => timeZones(draft.timeZone), [draft.timeZone]);
  const save = useMutation({
    mutationFn: (next: NotificationSettings) => api.saveNotificationSettings(next),
    onSuccess: (saved) => queryClient.setQueryData(notificationSettingsKey, saved),
  });
  const ids = { channels: useId(), delay: useId(), delayHint: useId(), quiet: useId(), problem: useId(), language: useId() };
  const problem = (name: DraftProblem) => shownProblems.includes(name);
  const timeProblem = problem('start') || problem('end') || problem('same-times');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = draftProblems(draft, zones);
    setShownProblems(problems);
    if (problems.length) {
      save.reset();
      return;
    }
    save.mutate(settingsOf(draft, language));
  };
  // Once the user changes something after a save, its "Saved" no longer describes the form.
  const edit = (next: SettingsDraft) => {
    setDraft(next);
    if (save.isSuccess) save.reset();
  };

  const status = shownProblems.length
    ? s.fixProblems
    : save.isPending
      ? s.saving
      : save.isError
        ? s.saveFailed(errorText(save.error, t))
        : save.isSuccess
          ? s.saved
          : '';

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <section aria-labelledby={ids.channels} className={SECTION}>
        <h3 id={ids.channels} className={SECTION_TITLE}>
          {s.channelsTitle}
        </h3>
        <p className={HINT}>{s.channelsIntro}</p>
        <table className="mt-3 w-full text-sm">
          <caption className="sr-only">{s.channelsTitle}</caption>
          <thead>
            <tr className="text-left">
              <th scope="col" className="py-1 pr-2 font-medium">
                {s.kindColumn}
              </th>
              {NOTIFICATION_CHANNELS.map((channel) => (
                <th key={channel} scope="col" className="px-1 py-1 text-center font-medium">
                  {s.channel[channel]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {NOTIFICATION_KINDS.map((kind) => (
              <tr key={kind} className="border-t border-slate-200 dark:border-slate-800">
                <th scope="row" className="py-2 pr-2 text-left font-normal">
                  {s.kind[kind]}
                </th>
                {NOTIFICATION_CHANNELS.map((channel) => (
                  <td key={channel} className="px-1 py-2 text-center">
                    {kind === 'message' && channel === 'email' ? (
                      // The server sends no email for every message (CONTRACT §12): not offered.
                      <span className="text-slate-500 dark:text-slate-400">
                        <span aria-hidden="true">—</span>
                        <span className="sr-only">{s.emailNotOffered}</span>
                      </span>
                    ) : (
                      <input
                        type="checkbox"
                        className={CHECKBOX}
                        aria-label={s.channelFor(s.channel[channel], s.kind[kind])}
                        checked={draft.channels[kind].includes(channel)}
                        onChange={(event) => edit(withChannel(draft, kind, channel, event.target.checked))}
                      />
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby={`${ids.delay}-title`} className={SECTION}>
        <h3 id={`${ids.delay}-title`} className={SECTION_TITLE}>
          {s.delayTitle}
        </h3>
        <label htmlFor={ids.delay} className="mt-3 block text-sm font-medium">
          {s.delayLabel}
        </label>
        <input
          id={ids.delay}
          inputMode="numeric"
          value={draft.delay}
          aria-invalid={problem('delay') || undefined}
          aria-describedby={problem('delay') ? `${ids.delay}-problem ${ids.delayHint}` : ids.delayHint}
          onChange={(event) => edit({ ...draft, delay: event.target.value })}
          className={`${INPUT} mt-1 sm:w-32 ${TOUCH_TARGET}`}
        />
        <p id={ids.delayHint} className={HINT}>
          {s.delayHint(MAX_EMAIL_DELAY_MINUTES)}
        </p>
        {problem('delay') && (
          <p id={`${ids.delay}-problem`} className={`mt-1 ${ERROR_TEXT}`}>
            {s.delayInvalid(MAX_EMAIL_DELAY_MINUTES)}
          </p>
        )}
      </section>

      <section aria-labelledby={`${ids.quiet}-title`} className={SECTION}>
        <h3 id={`${ids.quiet}-title`} className={SECTION_TITLE}>
          {s.quietTitle}
        </h3>
        <p className={HINT}>{s.quietHint}</p>
        <label className="mt-3 flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className={CHECKBOX}
            checked={draft.quietOn}
            onChange={(event) => edit({ ...draft, quietOn: event.target.checked })}
          />
          {s.quietOn}
        </label>
        {draft.quietOn && (
          <div className="mt-3 grid gap-3 sm:grid-cols-3">
            <div>
              <label htmlFor={`${ids.quiet}-start`} className="block text-sm font-medium">
                {s.quietStart}
              </label>
              <input
                id={`${ids.quiet}-start`}
                type="time"
                value={draft.quietStart}
                aria-invalid={timeProblem || undefined}
                aria-describedby={timeProblem ? `${ids.quiet}-times` : undefined}
                onChange={(event) => edit({ ...draft, quietStart: event.target.value })}
                className={`${INPUT} mt-1 ${TOUCH_TARGET}`}
              />
            </div>
            <div>
              <label htmlFor={`${ids.quiet}-end`} className="block text-sm font-medium">
                {s.quietEnd}
              </label>
              <input
                id={`${ids.quiet}-end`}
                type="time"
                value={draft.quietEnd}
                aria-invalid={timeProblem || undefined}
                aria-describedby={timeProblem ? `${ids.quiet}-times` : undefined}
                onChange={(event) => edit({ ...draft, quietEnd: event.target.value })}
                className={`${INPUT} mt-1 ${TOUCH_TARGET}`}
              />
            </div>
            <div>
              <label htmlFor={`${ids.quiet}-zone`} className="block text-sm font-medium">
                {s.timeZone}
              </label>
              <select
                id={`${ids.quiet}-zone`}
                value={draft.timeZone}
                aria-invalid={problem('time-zone') || undefined}
                aria-describedby={problem('time-zone') ? `${ids.quiet}-zone-problem` : undefined}
                onChange={(event) => edit({ ...draft, timeZone: event.target.value })}
                className={`${INPUT} mt-1 ${TOUCH_TARGET}`}
              >
                {zones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
            </div>
            {timeProblem && (
              <p id={`${ids.quiet}-times`} className={`sm:col-span-3 ${ERROR_TEXT}`}>
                {problem('same-times') ? s.timesEqual : s.timeInvalid}
              </p>
            )}
            {problem('time-zone') && (
              <p id={`${ids.quiet}-zone-problem`} className={`sm:col-span-3 ${ERROR_TEXT}`}>
                {s.timeZoneInvalid}
              </p>
            )}
          </div>
        )}
      </section>

      <section aria-labelledby={ids.language} className={SECTION}>
        <h3 id={ids.language} className={SECTION_TITLE}>
          {s.languageTitle}
        </h3>
        <p className="mt-1 text-sm">{s.languageIs(s.languageName[language] ?? language)}</p>
        <p className={HINT}>{s.languageHint}</p>
      </section>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={`${PRIMARY_BUTTON} ${TOUCH_TARGET}`} disabled={save.isPending}>
          {s.save}
        </button>
        <p role="status" className={`min-h-5 ${shownProblems.length || save.isError ? ERROR_TEXT : save.isSuccess ? OK_TEXT : HINT}`}>
          {status}
        </p>
      </div>
    </form>
  );
}
