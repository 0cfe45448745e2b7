/**
 * The loader's own stylesheet, installed with `adoptedStyleSheets` (allowed by a strict
 * CSP, unlike <style> elements or style attributes). `:host { all: initial }` keeps the
 * host page's inherited fonts and sizes out; nothing here can reach the page.
 *
 * The page's own rules still match the host element itself, and an `!important` one there
 * (`* { font-size: 40px !important }`) beats any normal `:host` rule and would be inherited
 * by everything inside. The typography that is inherited is therefore `!important` here:
 * for important declarations the shadow tree's `:host` wins over the page's.
 *
 * The launcher's icon is black or white, whichever is legible on the page's or the agent's
 * accent: white below an OKLCH lightness of 0.6, black above (e2e/accessibility.spec.ts checks
 * 3:1 on every accent). It is done in CSS, so the loader carries no colour code; a browser
 * without relative colours keeps white.
 */
export const LOADER_CSS = `
:host {
  all: initial;
  position: fixed;
  inset: auto 0 0 auto;
  z-index: var(--ama2-z, 2147483000);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif !important;
  font-size: 16px !important;
  font-style: normal !important;
  font-weight: 400 !important;
  line-height: 1.4 !important;
  letter-spacing: normal !important;
  text-transform: none !important;
  text-align: start !important;
  color: #0f172a !important;
  --ama2-accent: #4f46e5;
}
:host([data-position="left"]) { inset: auto auto 0 0; }
* { box-sizing: border-box; }
.launcher {
  position: fixed;
  right: max(16px, env(safe-area-inset-right));
  bottom: max(16px, env(safe-area-inset-bottom));
  width: 56px;
  height: 56px;
  border: 0;
  border-radius: 50%;
  padding: 0;
  margin: 0;
  display: grid;
  place-items: center;
  cursor: pointer;
  background: var(--ama2-accent);
  color: #fff;
  box-shadow: 0 6px 20px rgb(15 23 42 / 0.25);
  font: inherit;
}
:host([data-position="left"]) .launcher { right: auto; left: max(16px, env(safe-area-inset-left)); }
.launcher:focus-visible { outline: 3px solid #fff; box-shadow: 0 0 0 6px var(--ama2-accent); }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
@supports (color: oklch(from red l c h)) {
  .launcher { color: oklch(from var(--ama2-accent) clamp(0, (0.6 - l) * 1000, 1) 0 0); }
}
.badge {
  position: absolute;
  top: -4px;
  right: -4px;
  min-width: 22px;
  height: 22px;
  padding: 0 6px;
  border-radius: 11px;
  background: #dc2626;
  color: #fff;
  font-size: 12px;
  font-weight: 700;
  line-height: 22px;
  text-align: center;
}
.badge[hidden], .panel[hidden] { display: none; }
.panel {
  position: fixed;
  right: max(16px, env(safe-area-inset-right));
  bottom: calc(max(16px, env(safe-area-inset-bottom)) + 68px);
  width: 380px;
  height: min(640px, calc(100vh - 120px));
  border-radius: 16px;
  overflow: hidden;
  background: #fff;
  box-shadow: 0 12px 40px rgb(15 23 42 / 0.3);
  overscroll-behavior: contain;
}
:host([data-position="left"]) .panel { right: auto; left: max(16px, env(safe-area-inset-left)); }
.notice { padding: 16px; font-size: 14px; }
@media (max-width: 639px) {
  .panel {
    /* The panel sets both from visualViewport, so the composer stays above the keyboard. */
    inset: var(--ama2-viewport-top, 0px) 0 auto 0;
    width: 100%;
    height: var(--ama2-viewport-height, 100dvh);
    border-radius: 0;
  }
  :host([data-open]) .launcher { display: none; }
}
@media (prefers-reduced-motion: no-preference) {
  .launcher { transition: transform 120ms ease-out; }
  .launcher:hover { transform: scale(1.05); }
}
`;
