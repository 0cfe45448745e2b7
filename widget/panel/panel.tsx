/**
 * The chat panel, loaded on demand by the widget loader (widget/loader) into its Shadow DOM
 * root. Built against preact, with `react` resolved to ./react-on-preact.ts (vite.widget.config.ts).
 */
import type { MountPanel, PanelModule } from '../shared/panel-contract.ts';
import { createPanel } from './create-panel.tsx';
import { browserDeps } from './panel-deps.ts';
import css from './panel.css?inline';

/**
 * Installs the panel's stylesheet in the shadow root (adopted, so a strict CSP's style-src
 * needs no 'unsafe-inline') and returns the function that removes it. Its `@property`
 * defaults are plain declarations already (shadow-properties.ts), and its lengths pixels
 * (pixel-units.ts: a `rem` would follow the host page's root font size into the shadow root),
 * and the theme's colours are in it (theme-tokens.ts), all done at build time (vite.widget.config.ts).
 */
function installStyles(root: ShadowRoot): () => void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return () => {
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((candidate) => candidate !== sheet);
    };
  } catch {
    // No constructable stylesheets (very old browsers): the panel works, unstyled.
    return () => undefined;
  }
}

// Loaded by the loader with the panel and used before it mounts (see PanelModule).
export { forgetVisitor } from './forget-visitor.ts';

/** `identify()`'s checks and their words, from their own chunk: only a page that calls it loads them. */
export const checkIdentify: PanelModule['checkIdentify'] = (input, emit) =>
  import('../shared/identify-options.ts').then(
    (checks) => checks.checkIdentify(input, emit),
    (error: unknown) => {
      console.warn(`[AMA2Chat] identify() could not be checked (${error}); ignored.`);
      return null;
    },
  );

/** Bad options in words, from their own chunk: only a page with wrong options loads it (a chunk that cannot load: named only). */
export const reportOptionFlaws: PanelModule['reportOptionFlaws'] = (dataset, flaws, emit) =>
  import('../shared/option-flaws.ts').then(
    (words) => words.reportOptionFlaws(dataset, flaws, emit),
    () => console.warn(`[AMA2Chat] Wrong options: ${flaws}`),
  );

export const mountPanel: MountPanel = (host) => {
  const removeStyles = installStyles(host.shadowRoot);
  const controller = createPanel(host, browserDeps(host.options.apiBaseUrl, host.options.locale));
  return {
    ...controller,
    destroy() {
      controller.destroy();
      removeStyles();
    },
  };
};
