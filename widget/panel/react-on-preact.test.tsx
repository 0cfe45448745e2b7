import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
// The widget project resolves `react` to react-on-preact.ts, as the panel's build does.
import { memo, useLayoutEffect, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { StrokeIcon } from './stroke-icon.tsx';
import { cleanup, render } from './testing/render.ts';

afterEach(cleanup);

/** A store of one number that tells its listeners when it changes. */
function numberStore(start: number) {
  let value = start;
  const listeners = new Set<() => void>();
  return {
    read: () => value,
    set(next: number) {
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listeners,
  };
}

describe('useSyncExternalStore', () => {
  it('shows the value, follows changes, and lets go when unmounted', () => {
    const store = numberStore(1);
    function Reader() {
      return <p>{useSyncExternalStore(store.subscribe, store.read)}</p>;
    }
    const { container, rerender } = render(<Reader />);
    expect(container.textContent).toBe('1');
    act(() => store.set(2));
    expect(container.textContent).toBe('2');
    rerender(null);
    expect(store.listeners.size).toBe(0);
  });

  it('does not miss a change made after its render and before it subscribed', () => {
    const store = numberStore(1);
    function Reader() {
      return <p>{useSyncExternalStore(store.subscribe, store.read)}</p>;
    }
    function ChangesOnMount() {
      useLayoutEffect(() => store.set(5), []);
      return null;
    }
    const { container } = render(
      <>
        <Reader />
        <ChangesOnMount />
      </>,
    );
    expect(container.textContent).toBe('5');
  });
});

describe('memo', () => {
  it('renders again only when a prop changes', () => {
    let renders = 0;
    const Label = memo(function Label({ text }: { text: string }) {
      renders += 1;
      return (
        <b>
          {text} {renders}
        </b>
      );
    });
    let bump: () => void = () => {};
    function Parent({ text }: { text: string }) {
      const [count, setCount] = useState(0);
      bump = () => setCount(count + 1);
      return (
        <p>
          <Label text={text} />
          <i>{count}</i>
        </p>
      );
    }
    const { container, rerender } = render(<Parent text="a" />);
    act(() => bump());
    expect(container.querySelector('b')?.textContent).toBe('a 1');
    expect(container.querySelector('i')?.textContent).toBe('1');
    rerender(<Parent text="b" />);
    expect(container.querySelector('b')?.textContent).toBe('b 2');
  });
});

describe('events and attributes', () => {
  it('gives handlers the DOM event as `nativeEvent`, as React does', () => {
    function Keys() {
      const [seen, setSeen] = useState('');
      const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => setSeen(event.nativeEvent.key);
      return (
        <div tabIndex={0} onKeyDown={onKeyDown}>
          {seen}
        </div>
      );
    }
    const { container } = render(<Keys />);
    const target = container.querySelector('div')!;
    act(() => {
      target.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Tab', bubbles: true }));
    });
    expect(target.textContent).toBe('Tab');
  });

  it('writes the icon’s SVG stroke attributes as SVG names them', () => {
    const { container } = render(<StrokeIcon path="M0 0" />);
    const svg = container.querySelector('svg')!;
    expect(svg.getAttribute('stroke-width')).toBe('2');
    expect(svg.getAttribute('stroke-linecap')).toBe('round');
    expect(svg.getAttribute('stroke-linejoin')).toBe('round');
    expect(svg.getAttribute('class')).toBe('size-5');
  });
});
