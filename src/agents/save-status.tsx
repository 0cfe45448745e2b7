import { useStrings } from '../i18n/locale-store.ts';
import { ERROR_TEXT, HINT, OK_TEXT } from './settings-styles.ts';
import { saveStatusText } from './use-save-settings.ts';

interface Props {
  save: { isPending: boolean; isSuccess: boolean; isError: boolean; error: Error | null };
  testId?: string;
}

/**
 * A settings section's "Saving…", "Saved" or "Could not save" line, read out as it changes; it
 * keeps its height while empty so the page does not jump when the words come.
 */
export function SaveStatus({ save, testId }: Props) {
  const t = useStrings();
  return (
    <p aria-live="polite" className={`mt-2 min-h-5 ${save.isError ? ERROR_TEXT : save.isSuccess ? OK_TEXT : HINT}`} data-testid={testId}>
      {saveStatusText(save, t)}
    </p>
  );
}
