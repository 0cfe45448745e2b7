import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { en, type InboxStrings } from './catalog-en.ts';

/** The languages the inbox speaks. */
export type Language = 'en' | 'de';
/** What the user picked in the sidebar: a language, or whatever the browser prefers. */
export type LanguageChoice = 'browser' | Language;

const SUPPORTED: readonly Language[] = ['en', 'de'];

/** The first of the browser's languages (`navigator.languages`) the inbox speaks; English otherwise. */
export function browserLanguage(languages: readonly string[] | undefined): Language {
  for (const tag of languages ?? []) {
    const base = tag.trim().toLowerCase().split(/[-_]/)[0];
    const found = SUPPORTED.find((language) => language === base);
    if (found) return found;
  }
  return 'en';
}

/** The language a choice means in this browser. */
export function resolveLanguage(choice: LanguageChoice): Language {
  if (choice !== 'browser') return choice;
  return browserLanguage(typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]);
}

interface ChoiceState {
  choice: LanguageChoice;
  setChoice(choice: LanguageChoice): void;
}

/** The user's language setting, kept across reloads. */
export const useLanguageChoice = create<ChoiceState>()(
  persist((set) => ({ choice: 'browser', setChoice: (choice) => set({ choice }) }), {
    name: 'ama2.language',
    merge: (persisted, current) => {
      const choice = (persisted as { choice?: unknown } | undefined)?.choice;
      return choice === 'browser' || choice === 'en' || choice === 'de' ? { ...current, choice } : current;
    },
  }),
);

interface ActiveState {
  language: Language;
  strings: InboxStrings;
}

/** The language the inbox shows now and its catalog: English until another one has loaded. */
export const useActiveLanguage = create<ActiveState>()(() => ({ language: 'en', strings: en }));

// German is loaded on demand, so English users' first load does not carry it.
const loaders: Record<Language, () => Promise<InboxStrings>> = {
  en: () => Promise.resolve(en),
  de: () => import('./catalog-de.ts').then((module) => module.de),
};

let wanted: Language = 'en';

/**
 * Makes `language` the active one once its catalog is there, and keeps `<html lang>` in
 * step. A later call wins over an earlier one still loading. A failed load (offline, a new
 * release) leaves the current language and is tried again on the next change.
 */
export async function activateLanguage(language: Language): Promise<void> {
  wanted = language;
  let strings: InboxStrings;
  try {
    strings = await loaders[language]();
  } catch (error) {
    console.error(`The ${language} catalog could not be loaded:`, error instanceof Error ? error.message : error);
    return;
  }
  if (wanted !== language) return;
  useActiveLanguage.setState({ language, strings });
  if (typeof document !== 'undefined') document.documentElement.lang = strings.locale;
}

let started = false;

/**
 * Follows the setting and the browser's languages from now on; resolves once the first
 * language is active, so the first screen renders in it (main.tsx waits for this).
 */
export function startLanguage(): Promise<void> {
  if (!started) {
    started = true;
    useLanguageChoice.subscribe((state, previous) => {
      if (state.choice !== previous.choice) void activateLanguage(resolveLanguage(state.choice));
    });
    window.addEventListener('languagechange', () => void activateLanguage(resolveLanguage(useLanguageChoice.getState().choice)));
  }
  return activateLanguage(resolveLanguage(useLanguageChoice.getState().choice));
}

/** The active catalog, for a component (it re-renders when the language changes). */
export function useStrings(): InboxStrings {
  return useActiveLanguage((state) => state.strings);
}

/** The active catalog outside React (an engine callback, a notification). */
export function currentStrings(): InboxStrings {
  return useActiveLanguage.getState().strings;
}
