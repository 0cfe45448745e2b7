import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useRef, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useModalDialog } from './use-modal-dialog.ts';
import { installModalDialogs } from './testing/modal-dialogs.ts';

beforeEach(() => {
  installModalDialogs();
});
afterEach(cleanup);

function Sheet() {
  const field = useRef<HTMLInputElement>(null);
  const dialog = useModalDialog(() => field.current);
  return (
    <dialog ref={dialog} aria-label="Sheet">
      <button type="button">First</button>
      <input ref={field} aria-label="Name" />
    </dialog>
  );
}

function Page({ removeOpener = false }: { removeOpener?: boolean }) {
  const [shown, setShown] = useState(false);
  return (
    <>
      {!(removeOpener && shown) && (
        <button type="button" onClick={() => setShown(true)}>
          Open
        </button>
      )}
      <button type="button" onClick={() => setShown(false)}>
        Done
      </button>
      {shown && <Sheet />}
    </>
  );
}

describe('useModalDialog', () => {
  it('opens the dialog with the focus on the chosen element, and gives the focus back when it goes', () => {
    render(<Page />);
    const opener = screen.getByRole('button', { name: 'Open' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Sheet', hidden: true }) as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Name', hidden: true }));

    fireEvent.click(screen.getByRole('button', { name: 'Done', hidden: true }));
    expect(screen.queryByRole('dialog', { hidden: true })).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('leaves the focus alone on close when what had it is gone from the page', () => {
    render(<Page removeOpener />);
    const opener = screen.getByRole('button', { name: 'Open' });
    opener.focus();
    fireEvent.click(opener);
    expect(opener.isConnected).toBe(false);
    const done = screen.getByRole('button', { name: 'Done', hidden: true });
    done.focus();
    fireEvent.click(done);
    expect(document.activeElement).toBe(done);
  });
});
