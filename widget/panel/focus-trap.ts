/** What Tab can reach inside the panel. */
const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

export function focusableIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => !element.closest('[hidden], [inert]'));
}

/** The element focused inside `root`'s shadow tree (document.activeElement is only the host there). */
export function activeIn(root: HTMLElement): Element | null {
  const scope = root.getRootNode() as Document | ShadowRoot;
  return scope.activeElement ?? null;
}

/**
 * Keeps Tab and Shift+Tab inside `root` (the panel is a modal dialog): from the last control
 * Tab wraps to the first, and back. Returns true when it moved focus itself.
 */
export function trapTab(event: KeyboardEvent, root: HTMLElement): boolean {
  if (event.key !== 'Tab') return false;
  const focusable = focusableIn(root);
  if (focusable.length === 0) {
    event.preventDefault();
    root.focus();
    return true;
  }
  const first = focusable[0]!;
  const last = focusable[focusable.length - 1]!;
  const active = activeIn(root);
  const outside = !active || !root.contains(active) || active === root;
  if (event.shiftKey && (outside || active === first)) {
    event.preventDefault();
    last.focus();
    return true;
  }
  if (!event.shiftKey && (outside || active === last)) {
    event.preventDefault();
    first.focus();
    return true;
  }
  return false;
}
