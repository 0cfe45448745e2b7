import { create } from 'zustand';
import { privacyEn, type PrivacyStrings } from './catalog-privacy-en.ts';
import { useActiveLanguage } from './locale-store.ts';

/** The German privacy words once loaded; English needs no loading. */
const useLoaded = create<{ de: PrivacyStrings | null }>(() => ({ de: null }));

let loading: Promise<void> | null = null;

/** Loads the German words once (a failed load is tried again on the next use). */
function loadGerman(): void {
  loading ??= import('./catalog-privacy-de.ts').then(
    (module) => useLoaded.setState({ de: module.privacyDe }),
    () => {
      loading = null;
    },
  );
}

// Started with the signed-in chunk and on every switch to German, so the words are there
// by the time a component asks (English shows for a moment at most).
if (useActiveLanguage.getState().language === 'de') loadGerman();
useActiveLanguage.subscribe((state) => {
  if (state.language === 'de') loadGerman();
});

/**
 * The privacy words in the inbox's active language (see
 * `catalog-privacy-en.ts` for why they are a catalog of their own).
 */
export function usePrivacyStrings(): PrivacyStrings {
  const language = useActiveLanguage((state) => state.language);
  const de = useLoaded((state) => state.de);
  return language === 'de' && de ? de : privacyEn;
}

/** The privacy words outside React, in the active language when loaded. */
export function currentPrivacyStrings(): PrivacyStrings {
  return (useActiveLanguage.getState().language === 'de' && useLoaded.getState().de) || privacyEn;
}
