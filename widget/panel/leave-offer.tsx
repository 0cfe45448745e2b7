import { EMAIL_LINE_ID, EmailOffer } from './email-offer.tsx';
import type { PanelStrings } from './i18n.ts';
import { leaveLine } from './leave-words.ts';

interface Props {
  strings: PanelStrings;
  /** The panel's language (`en` or `de`). */
  lang: string;
  /** Resolves false when the server did not take it (the offer stays, with the error in words). */
  onSave(email: string): Promise<boolean>;
  /** "No thanks": the panel closes. */
  onClose(): void;
}

/**
 * Offered once when a visitor without an email closes the panel while they wait for an
 * answer (issue 23): one line, the email field (checked, errors in words), Save and "No
 * thanks", which closes. An alert dialog named by its line, so a screen reader says it as the
 * focus lands in the field; Escape closes the panel (panel-app.tsx). Loaded on demand
 * (closing-ui.ts).
 */
export function LeaveOffer({ strings, lang, onSave, onClose }: Props) {
  return (
    <div role="alertdialog" aria-labelledby={EMAIL_LINE_ID}>
      <EmailOffer ask="person" email={null} strings={strings} lang={lang} line={leaveLine(lang)} onSave={onSave} onDecline={onClose} />
    </div>
  );
}
