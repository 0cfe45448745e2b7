import type { Locator } from '@playwright/test';

/** The phone the layout is checked at (issue 23), in CSS px. */
export const PHONE = { width: 390, height: 844 };
/** WCAG 2.5.5's target size, in CSS px. */
export const MIN_TARGET = 44;

/** A visible interactive element, with its measured box. */
export interface Target {
  name: string;
  width: number;
  height: number;
  top: number;
}

/** Every visible interactive element inside `scope`, with its measured box. */
export async function targetsIn(scope: Locator): Promise<Target[]> {
  return scope.evaluate((root) =>
    [...root.querySelectorAll<HTMLElement>('a[href], button, summary, select, input, textarea, [role="button"], [tabindex="0"]')]
      .filter((element) => element.getClientRects().length > 0)
      .map((element) => {
        const box = element.getBoundingClientRect();
        const name = element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName;
        return { name: name || element.tagName, width: box.width, height: box.height, top: box.top };
      }),
  );
}

/** The targets under {@link MIN_TARGET} in either direction. */
export const smallTargets = (targets: readonly Target[]) =>
  targets.filter((target) => target.width < MIN_TARGET || target.height < MIN_TARGET);
