import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MenuButton } from './menu-button.tsx';

afterEach(cleanup);

function setup() {
  const chosen: string[] = [];
  render(
    <MenuButton
      label="Thread options"
      icon="⋯"
      items={[
        { id: 'one', label: 'First', onSelect: () => chosen.push('one') },
        { id: 'two', label: 'Second', onSelect: () => chosen.push('two') },
      ]}
    />,
  );
  const button = screen.getByRole('button', { name: 'Thread options' });
  return { chosen, button };
}

describe('MenuButton', () => {
  it('opens with the keyboard on the first item, moves with the arrows, chooses with Enter and gives focus back', () => {
    const { chosen, button } = setup();
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    act(() => button.focus());
    fireEvent.keyDown(button, { key: 'Enter' });
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'First' }));
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Second' }));
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'First' }));
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'End' });
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Enter' });
    expect(chosen).toEqual(['two']);
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('ArrowUp opens on the last item; Escape closes without choosing', () => {
    const { chosen, button } = setup();
    fireEvent.keyDown(button, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Second' }));
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(chosen).toEqual([]);
  });

  it('a click opens it and a click on an item chooses it', () => {
    const { chosen, button } = setup();
    fireEvent.click(button);
    fireEvent.click(screen.getByRole('menuitem', { name: 'First' }));
    expect(chosen).toEqual(['one']);
    expect(screen.queryByRole('menu')).toBeNull();
  });
});
