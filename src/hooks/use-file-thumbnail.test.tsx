import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileBadge, useFileThumbnail } from './use-file-thumbnail.ts';

let made: string[];
let revoked: string[];
beforeEach(() => {
  made = [];
  revoked = [];
  URL.createObjectURL = () => {
    const url = `blob:test/${made.length + 1}`;
    made.push(url);
    return url;
  };
  URL.revokeObjectURL = (url: string) => void revoked.push(url);
});
afterEach(cleanup);

function Thumbnail({ file }: { file: File }) {
  const { url, onError } = useFileThumbnail(file);
  return url ? <img src={url} alt="" onError={onError} /> : <span>{fileBadge(file.name)}</span>;
}

describe('useFileThumbnail (both upload trays)', () => {
  it('shows an image from one blob: URL and revokes it when the file leaves the tray', () => {
    const { container, unmount } = render(<Thumbnail file={new File(['png'], 'shot.png', { type: 'image/png' })} />);
    expect(container.querySelector('img')?.getAttribute('src')).toBe('blob:test/1');
    expect(made).toEqual(['blob:test/1']);
    unmount();
    expect(revoked).toEqual(['blob:test/1']);
  });

  it('shows the badge once the image fails to load (a CSP without blob: images), and for any other file', () => {
    const { container } = render(<Thumbnail file={new File(['png'], 'shot.png', { type: 'image/png' })} />);
    fireEvent.error(container.querySelector('img')!);
    expect(container.textContent).toBe('PNG');
    cleanup();
    const other = render(<Thumbnail file={new File(['%PDF'], 'Quarterly.report.pdf', { type: 'application/pdf' })} />);
    expect(other.container.textContent).toBe('PDF');
    expect(made).toEqual(['blob:test/1']);
  });

  it('makes a badge of at most four letters of the extension', () => {
    expect(fileBadge('notes.markdown')).toBe('MARK');
    expect(fileBadge('README')).toBe('README'.slice(0, 4));
  });
});
