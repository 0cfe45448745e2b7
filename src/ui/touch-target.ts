/** Tailwind classes: at least 44 × 44 px for a finger, on a narrow or touch screen (WCAG 2.5.5). */
export const TOUCH_TARGET = 'max-md:min-h-11 max-md:min-w-11 pointer-coarse:min-h-11 pointer-coarse:min-w-11';
