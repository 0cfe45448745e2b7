/** Marks an element (a heading with tabIndex -1) where focus may land when nothing else holds it. */
export const FOCUS_LANDING = { 'data-focus-landing': '' } as const;

/**
 * Moves focus to the first visible landing mark when it sits on `<body>` (after sign-in, or
 * when the screen that held it went away), so a keyboard or screen-reader user is not left
 * at the top of the page. Focus somewhere real is left alone.
 */
export function landFocus(): void {
  const current = document.activeElement;
  if (current && current !== document.body) return;
  for (const element of document.querySelectorAll<HTMLElement>('[data-focus-landing]')) {
    if (element.getClientRects().length === 0) continue;
    element.focus();
    return;
  }
}
