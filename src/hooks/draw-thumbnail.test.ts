import { describe, expect, it } from 'vitest';
import { coverSquare, pngSize } from './draw-thumbnail.ts';

/** The first 24 bytes of a PNG: signature, IHDR length and type, width, height. */
function pngHead(width: number, height: number): Uint8Array<ArrayBuffer> {
  const head = new Uint8Array(24);
  head.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(head.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return head;
}

describe('pngSize', () => {
  it('reads a PNG’s width and height from its header', async () => {
    const file = new File([pngHead(1920, 1080), new Uint8Array(100)], 'screen.png', { type: 'image/png' });
    expect(await pngSize(file)).toEqual({ width: 1920, height: 1080 });
  });

  it('knows no size for other files, short files and a PNG header of zero pixels', async () => {
    const jpeg = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(40).fill(0)])], 'photo.png', { type: 'image/png' });
    expect(await pngSize(jpeg)).toBeNull();
    expect(await pngSize(new File([pngHead(10, 10).slice(0, 20)], 'cut.png'))).toBeNull();
    expect(await pngSize(new File([pngHead(0, 10)], 'empty.png'))).toBeNull();
  });
});

describe('coverSquare', () => {
  it('takes the middle square of a wide, a tall and a square picture', () => {
    expect(coverSquare(1920, 1080)).toEqual({ x: 420, y: 0, side: 1080 });
    expect(coverSquare(750, 1335)).toEqual({ x: 0, y: 292, side: 750 });
    expect(coverSquare(786, 786)).toEqual({ x: 0, y: 0, side: 786 });
  });
});
