/**
 * Test support: renders with preact (what the widget ships) into a fresh element, with
 * `act` so effects have run when the call returns.
 */
import { render as preactRender, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';

const mounted = new Set<HTMLElement>();

export function render(node: ComponentChild): { container: HTMLElement; rerender(node: ComponentChild): void } {
  const container = document.createElement('div');
  document.body.append(container);
  mounted.add(container);
  act(() => preactRender(node, container));
  return {
    container,
    rerender: (next) => {
      act(() => preactRender(next, container));
    },
  };
}

/** Unmounts everything `render` mounted (use in afterEach). */
export function cleanup(): void {
  for (const container of mounted) {
    act(() => preactRender(null, container));
    container.remove();
  }
  mounted.clear();
}
