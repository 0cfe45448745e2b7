import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttachTray } from './attach-tray.tsx';
import { cleanup, render } from './testing/render.ts';

const png = () => new File([new Uint8Array(64)], 'screen.png', { type: 'image/png' });
const settle = () => act(async () => void (await new Promise((resolve) => setTimeout(resolve, 0))));
const tray = (files: File[]) => <AttachTray refusals={[]} files={files} lang="en" onRemove={() => undefined} />;

beforeEach(() => {
  let made = 0;
  URL.createObjectURL = () => `blob:test/${++made}`;
  URL.revokeObjectURL = () => undefined;
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('AttachTray thumbnails (widget)', () => {
  it('shows an image as an <img> from a blob: URL where the browser has no createImageBitmap, and other files as a badge', async () => {
    vi.stubGlobal('createImageBitmap', undefined);
    const pdf = new File(['%PDF'], 'invoice.pdf', { type: 'application/pdf' });
    const { container } = render(tray([png(), pdf]));
    await settle();
    const rows = container.querySelectorAll('[aria-label="Files to send"] li');
    expect(rows[0]!.querySelector('img')!.getAttribute('src')).toMatch(/^blob:test\//);
    expect(rows[0]!.querySelector('canvas')).toBeNull();
    expect(rows[1]!.querySelector('img, canvas')).toBeNull();
    expect(rows[1]!.textContent).toContain('PDF');
  });

  it('draws the image into a canvas at the thumbnail size × the pixel ratio, marks it drawn and lets the bitmap go', async () => {
    const bitmap = { width: 120, height: 80, closed: false, close: () => void (bitmap.closed = true) };
    vi.stubGlobal('createImageBitmap', () => Promise.resolve(bitmap));
    vi.stubGlobal('devicePixelRatio', 2);
    const drawn: unknown[][] = [];
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({
      drawImage: (...args: unknown[]) => drawn.push(args),
    } as unknown as CanvasRenderingContext2D);
    const { container } = render(tray([png()]));
    await settle();
    const canvas = container.querySelector<HTMLCanvasElement>('[aria-label="Files to send"] li canvas')!;
    expect(canvas.hasAttribute('data-drawn')).toBe(true);
    expect(canvas.getAttribute('aria-hidden')).toBe('true');
    expect([canvas.width, canvas.height]).toEqual([80, 80]);
    // The middle 80 × 80 of the 120 × 80 picture, onto the whole canvas.
    expect(drawn).toEqual([[bitmap, 20, 0, 80, 80, 0, 0, 80, 80]]);
    expect(bitmap.closed).toBe(true);
    expect(container.querySelector('img')).toBeNull();
  });

  it('falls back to the <img> when the browser cannot decode the file (a broken PNG, say)', async () => {
    vi.stubGlobal('createImageBitmap', () => Promise.reject(new DOMException('cannot decode', 'InvalidStateError')));
    const { container } = render(tray([new File([new Uint8Array(64)], 'broken.png', { type: 'image/png' })]));
    await settle();
    expect(container.querySelector('canvas')).toBeNull();
    expect(container.querySelector('[aria-label="Files to send"] img')!.getAttribute('src')).toMatch(/^blob:test\//);
  });
});
