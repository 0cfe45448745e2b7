import { useEffect } from 'react';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type ThemeChoice = 'system' | 'light' | 'dark';

interface ThemeState {
  theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
}

export const useTheme = create<ThemeState>()(
  persist((set) => ({ theme: 'system', setTheme: (theme) => set({ theme }) }), {
    name: 'ama2.theme',
    merge: (persisted, current) => {
      const theme = (persisted as { theme?: unknown } | undefined)?.theme;
      return theme === 'light' || theme === 'dark' || theme === 'system' ? { ...current, theme } : current;
    },
  }),
);

/** Keeps the `dark` class on <html> in step with the choice and, for `system`, the OS setting. */
export function useApplyTheme(): void {
  const theme = useTheme((state) => state.theme);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => document.documentElement.classList.toggle('dark', theme === 'dark' || (theme === 'system' && media.matches));
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}
