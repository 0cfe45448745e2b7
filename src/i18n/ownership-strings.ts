import { create } from 'zustand';
import { ownershipEn, type OwnershipStrings } from './catalog-ownership-en.ts';
import { useActiveLanguage } from './locale-store.ts';

/** The German ownership words once loaded; English needs no loading. */
const useLoaded = create<{ de: OwnershipStrings | null }>(() => ({ de: null }));

let loading: Promise<void> | null = null;

/** Loads the German words once (a failed load is tried again on the next use). */
function loadGerman(): void {
  loading ??= import('./catalog-ownership-de.ts').then(
    (module) => useLoaded.setState({ de: module.ownershipDe }),
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
 * The ownership, notes, queue and search words in the inbox's active language (see
 * `catalog-ownership-en.ts` for why they are a catalog of their own).
 */
export function useOwnershipStrings(): OwnershipStrings {
  const language = useActiveLanguage((state) => state.language);
  const de = useLoaded((state) => state.de);
  return language === 'de' && de ? de : ownershipEn;
}

/** The ownership words outside React, in the active language when loaded. */
export function currentOwnershipStrings(): OwnershipStrings {
  return (useActiveLanguage.getState().language === 'de' && useLoaded.getState().de) || ownershipEn;
}
