import { useId } from 'react';
import { ERROR_TEXT, HINT, PRIMARY_BUTTON, SECONDARY_BUTTON, SECTION, SECTION_TITLE } from '../agents/settings-styles.ts';
import type { NotifySettingsStrings } from '../i18n/catalog-notify-settings-en.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useNotifySettingsStrings } from '../i18n/notify-settings-strings.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import type { PushFailure, PushState } from './push-device.ts';

interface Props {
  state: PushState;
  onEnable(): void;
  onDisable(): void;
}

/** Why turning push on or off failed, in words the user can act on. */
export function failureText(failure: PushFailure, s: NotifySettingsStrings, t: InboxStrings): string {
  switch (failure.reason) {
    case 'dismissed':
      return s.failure.dismissed;
    case 'no-worker':
      return s.failure.noWorker;
    case 'worker-timeout':
      return s.failure.workerTimeout;
    case 'subscribe':
      return s.failure.subscribe(failure.detail);
    case 'server':
      return s.failure.server(errorText(failure.error, t));
  }
}

/** "Enable push on this device": each state of the browser's permission and subscription, explained in words. */
export function PushDeviceSection({ state, onEnable, onDisable }: Props) {
  const t = useStrings();
  const s = useNotifySettingsStrings();
  const titleId = useId();
  const button = (label: string, onClick: () => void, style = PRIMARY_BUTTON, disabled = false) => (
    <button type="button" className={`mt-3 ${style} ${TOUCH_TARGET}`} onClick={onClick} disabled={disabled}>
      {label}
    </button>
  );

  let body;
  switch (state.kind) {
    case 'checking':
      body = <p className={HINT}>{s.pushChecking}</p>;
      break;
    case 'unsupported':
      body = <p className="mt-1 text-sm">{s.pushUnsupported}</p>;
      break;
    case 'blocked':
      body = (
        <>
          <p className="mt-1 text-sm">{s.pushBlocked}</p>
          <p className={HINT}>{s.pushBlockedHelp}</p>
        </>
      );
      break;
    case 'off':
      body = (
        <>
          <p className="mt-1 text-sm">{s.pushOff}</p>
          {button(s.pushEnable, onEnable)}
        </>
      );
      break;
    case 'enabling':
      body = (
        <>
          <p className="mt-1 text-sm">{s.pushEnabling}</p>
          {button(s.pushEnable, onEnable, PRIMARY_BUTTON, true)}
        </>
      );
      break;
    case 'on':
      body = (
        <>
          <p className="mt-1 text-sm">{s.pushOn}</p>
          {button(s.pushDisable, onDisable, SECONDARY_BUTTON)}
        </>
      );
      break;
    case 'disabling':
      body = (
        <>
          <p className="mt-1 text-sm">{s.pushDisabling}</p>
          {button(s.pushDisable, onDisable, SECONDARY_BUTTON, true)}
        </>
      );
      break;
    case 'failed':
      body = (
        <>
          <p className={`mt-1 ${ERROR_TEXT}`}>{s.pushFailed(failureText(state, s, t))}</p>
          {button(s.pushTryAgain, state.turningOff ? onDisable : onEnable)}
        </>
      );
      break;
  }

  return (
    <section aria-labelledby={titleId} className={SECTION}>
      <h3 id={titleId} className={SECTION_TITLE}>
        {s.pushTitle}
      </h3>
      {/* One live region for every state, so a screen reader hears what enabling or turning off did. */}
      <div aria-live="polite">{body}</div>
    </section>
  );
}
