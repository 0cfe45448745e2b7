/** The panel's base font size (its `:host` rule in the loader's and the panel's stylesheets). */
const BASE_FONT_PX = 16;

/**
 * Rewrites every `rem` length in `css` as pixels. A `rem` is relative to the host page's
 * root element, which the Shadow DOM does not isolate: a page with
 * `html { font-size: 62.5% }` (or `* { font-size: 40px !important }`) would shrink or blow
 * up every Tailwind size of the panel. In pixels the panel looks the same on every page.
 * (Media queries are unaffected either way: there `rem` is the browser's default size.)
 * Applied to the panel's stylesheet at build time (vite.widget.config.ts), not in the browser.
 */
export function remToPx(css: string): string {
  // Not after a backslash: `.text-\[0\.7rem\]` is a class name, `.7rem` escaped in it.
  return css.replace(/(?<![\w.\\]|\w-)(\d*\.?\d+)rem\b/g, (_, value: string) => `${Number((Number(value) * BASE_FONT_PX).toFixed(4))}px`);
}
