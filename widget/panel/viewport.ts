/** The custom properties the loader's stylesheet sizes the full-screen (phone) panel with. */
const VIEWPORT_HEIGHT_PROPERTY = '--ama2-viewport-height';
const VIEWPORT_TOP_PROPERTY = '--ama2-viewport-top';

/**
 * Follows the visual viewport (what is visible above a phone's on-screen keyboard) and
 * publishes it as CSS custom properties on `element`, through the CSSOM (CSP-safe): its
 * height, and its offset from the layout viewport's top (iOS scrolls the layout viewport
 * under the keyboard). Sized with them, the full-screen panel keeps its composer above the
 * keyboard. Returns the function that stops following.
 */
export function followVisualViewport(element: HTMLElement, view: Window = window): () => void {
  const viewport = view.visualViewport;
  if (!viewport) return () => undefined;
  const update = () => {
    element.style.setProperty(VIEWPORT_HEIGHT_PROPERTY, `${Math.round(viewport.height)}px`);
    element.style.setProperty(VIEWPORT_TOP_PROPERTY, `${Math.round(viewport.offsetTop)}px`);
  };
  update();
  viewport.addEventListener('resize', update);
  viewport.addEventListener('scroll', update);
  return () => {
    viewport.removeEventListener('resize', update);
    viewport.removeEventListener('scroll', update);
  };
}
