/**
 * Draws an image file's thumbnail into a `<canvas>` with `createImageBitmap`: the browser
 * decodes the file on its own thread and, for a PNG (the screenshots people paste), crops and
 * scales it to the thumbnail there too, so the page's main thread never takes the file's bytes
 * in as an `<img>` does from a `blob:` URL, and what shows is the decoded picture, not bytes
 * still to decode. Cover crop (the middle square) at the thumbnail's CSS size × the device
 * pixel ratio.
 */

/** The tray's thumbnail side, in CSS pixels (`size-10`). */
export const THUMBNAIL_CSS_PX = 40;
/** Past 3× a 40 px thumbnail gains nothing visible and costs memory. */
const MAX_PIXEL_RATIO = 3;
const PNG_SIGNATURE = 0x89504e47;
const PNG_IHDR = 0x49484452;

/** Whether this browser can draw thumbnails (not jsdom, not old browsers: they get an `<img>`). */
export const canDrawThumbnails = (): boolean => typeof createImageBitmap === 'function';

/** A PNG's width and height from its header (the first 24 bytes), or null for any other file. */
export async function pngSize(file: Blob): Promise<{ width: number; height: number } | null> {
  const head = new DataView(await file.slice(0, 24).arrayBuffer());
  if (head.byteLength < 24 || head.getUint32(0) !== PNG_SIGNATURE || head.getUint32(12) !== PNG_IHDR) return null;
  const width = head.getUint32(16);
  const height = head.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

/** The middle square of a picture: the part a cover-cropped square thumbnail shows. */
export function coverSquare(width: number, height: number): { x: number; y: number; side: number } {
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

/**
 * Draws `file` into `canvas` (sizing its bitmap); rejects when the browser cannot decode the
 * file (a HEIC, a broken image) or `isCancelled()` says the thumbnail left meanwhile.
 */
export async function drawThumbnail(canvas: HTMLCanvasElement, file: File, isCancelled: () => boolean): Promise<void> {
  const pixels = Math.round(THUMBNAIL_CSS_PX * Math.min(Math.max(globalThis.devicePixelRatio || 1, 1), MAX_PIXEL_RATIO));
  const size = await pngSize(file);
  const square = size && coverSquare(size.width, size.height);
  // Other formats (a JPEG's EXIF may turn it) are decoded whole and cropped as drawn.
  const bitmap = square
    ? await createImageBitmap(file, square.x, square.y, square.side, square.side, {
        resizeWidth: pixels,
        resizeHeight: pixels,
        resizeQuality: 'medium',
      })
    : await createImageBitmap(file);
  try {
    if (isCancelled()) throw new Error('thumbnail gone');
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D context');
    canvas.width = pixels;
    canvas.height = pixels;
    const crop = coverSquare(bitmap.width, bitmap.height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, crop.x, crop.y, crop.side, crop.side, 0, 0, pixels, pixels);
  } finally {
    bitmap.close();
  }
}
